package io.rapport.product;

import io.rapport.platform.RapportException;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read access to the catalogue; products are written by imports. */
@RestController
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')")
class ProductController {

    private final ProductCatalog catalog;

    ProductController(ProductCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/api/v1/products")
    List<ProductCatalog.Product> products(@RequestParam(defaultValue = "0") int page,
                                          @RequestParam(defaultValue = "100") int size) {
        return catalog.page(Math.max(page, 0), Math.min(Math.max(size, 1), 1000));
    }

    @GetMapping("/api/v1/products/{sku}")
    ProductCatalog.Product product(@PathVariable String sku) {
        return catalog.find(sku).orElseThrow(() -> RapportException.notFound("product", sku));
    }
}

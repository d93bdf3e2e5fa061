package io.rapport.ingest;

import io.rapport.platform.RapportProperties;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Converts order amounts into the currency customer summaries are kept in, at the configured fixed rates. */
@Component
class ReportingCurrency {

    private final RapportProperties properties;

    ReportingCurrency(RapportProperties properties) {
        this.properties = properties;
    }

    Currency currency() {
        return properties.currency();
    }

    boolean supports(Currency currency) {
        return currency.equals(properties.currency()) || properties.exchangeRates().containsKey(currency.getCurrencyCode());
    }

    /** Fixed rates to the reporting currency by currency code. */
    java.util.Map<String, BigDecimal> rates() {
        return properties.exchangeRates();
    }

    Optional<BigDecimal> convert(BigDecimal amount, Currency from) {
        if (from.equals(properties.currency())) {
            return Optional.of(amount);
        }
        return Optional.ofNullable(properties.exchangeRates().get(from.getCurrencyCode())).map(amount::multiply);
    }
}

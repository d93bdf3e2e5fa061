package io.rapport.channel;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Console pages of the channel: the outbox with its dead letters (and a retry button), and the template editor
 * with a preview on a real customer, masked. Same roles as the channel API.
 */
@Controller
class ChannelConsole {

    private final Outbox outbox;
    private final MessageTemplates templates;

    ChannelConsole(Outbox outbox, MessageTemplates templates) {
        this.outbox = outbox;
        this.templates = templates;
    }

    @GetMapping("/channel/outbox")
    @PreAuthorize(ChannelController.MAY_READ)
    String outbox(@RequestParam Optional<String> status, Model model) {
        model.addAttribute("stats", outbox.stats(Optional.empty()));
        model.addAttribute("status", status.orElse(""));
        model.addAttribute("entries", outbox.list(status.filter(s -> !s.isBlank()), Optional.empty(), 200));
        return "channel-outbox";
    }

    @PostMapping("/channel/outbox/{id}/retry")
    @PreAuthorize(ChannelController.MAY_WRITE)
    String retry(@PathVariable long id, @RequestParam Optional<String> status, RedirectAttributes redirect) {
        outbox.retry(id);
        redirect.addFlashAttribute("retried", id);
        return "redirect:/channel/outbox" + status.filter(s -> !s.isBlank()).map(s -> "?status=" + s).orElse("");
    }

    @GetMapping("/channel/templates")
    @PreAuthorize(ChannelController.MAY_READ)
    String templates(Model model) {
        model.addAttribute("templates", templates.list());
        return "channel-templates";
    }

    /** The editor: an existing template, or an empty form for {@code /channel/templates/new}. */
    @GetMapping("/channel/templates/{code}")
    @PreAuthorize(ChannelController.MAY_READ)
    String template(@PathVariable String code, Model model) {
        Form form = "new".equals(code) ? Form.empty() : Form.of(templates.get(code));
        return editor(model, form, List.of());
    }

    @PostMapping("/channel/templates")
    @PreAuthorize(ChannelController.MAY_WRITE)
    String save(Form form, Model model, RedirectAttributes redirect) {
        try {
            templates.save(form.code(), form.definition(), Actor.current().name());
        } catch (RapportException invalid) {
            return editor(model, form, problems(invalid));
        }
        redirect.addFlashAttribute("saved", form.code());
        return "redirect:/channel/templates/" + form.code();
    }

    /** The preview fragment (htmx swaps it under the editor). */
    @PostMapping("/channel/templates/preview")
    @PreAuthorize(ChannelController.MAY_READ)
    String preview(@RequestParam String code, @RequestParam(required = false) Long customerId,
                   @RequestParam(defaultValue = "") String previewLanguage, Model model) {
        try {
            if (customerId == null) {
                throw RapportException.badRequest("invalid-preview", "customerId", "Enter a customer id");
            }
            model.addAttribute("preview", templates.preview(code, customerId,
                    Optional.of(previewLanguage).filter(l -> !l.isBlank()), Map.of()));
        } catch (RapportException e) {
            model.addAttribute("previewError", e.getMessage());
        }
        return "channel-template :: preview";
    }

    private String editor(Model model, Form form, List<Map<String, Object>> problems) {
        model.addAttribute("form", form);
        model.addAttribute("problems", problems);
        model.addAttribute("channels", Arrays.stream(ChannelKind.values()).map(ChannelKind::wire).toList());
        model.addAttribute("builtIn", MessageTemplates.BUILT_IN.stream().sorted().toList());
        return "channel-template";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> problems(RapportException e) {
        Object listed = e.properties().get("problems");
        if (listed instanceof List<?> list && !list.isEmpty()) {
            return (List<Map<String, Object>>) list;
        }
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("path", e.field().orElse(""));
        one.put("message", e.getMessage());
        return List.of(one);
    }

    /** The editor's form fields. */
    record Form(String code, String channel, String purpose, String variables, String defaultLanguage,
                String zhSubject, String zhBody, String enSubject, String enBody, boolean existing) {

        static Form empty() {
            return new Form("", "email", "marketing", "", "zh-CN", "", "", "", "", false);
        }

        static Form of(MessageTemplates.Template t) {
            MessageTemplates.Text zh = t.texts().get("zh-CN");
            MessageTemplates.Text en = t.texts().get("en");
            return new Form(t.code(), t.channel().wire(), t.purpose().name().toLowerCase(java.util.Locale.ROOT),
                    String.join(", ", t.variables()), t.defaultLanguage(),
                    zh == null ? "" : zh.subject().orElse(""), zh == null ? "" : zh.body(),
                    en == null ? "" : en.subject().orElse(""), en == null ? "" : en.body(), true);
        }

        MessageTemplates.Definition definition() {
            List<String> vars = new ArrayList<>();
            for (String v : (variables == null ? "" : variables).split("[,\\s]+")) {
                if (!v.isBlank()) {
                    vars.add(v.strip());
                }
            }
            Map<String, MessageTemplates.Text> texts = new LinkedHashMap<>();
            if (zhBody != null && !zhBody.isBlank()) {
                texts.put("zh-CN", new MessageTemplates.Text(optional(zhSubject), zhBody));
            }
            if (enBody != null && !enBody.isBlank()) {
                texts.put("en", new MessageTemplates.Text(optional(enSubject), enBody));
            }
            return new MessageTemplates.Definition(channel, purpose, vars, defaultLanguage, texts);
        }

        private static Optional<String> optional(String s) {
            return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
        }
    }
}

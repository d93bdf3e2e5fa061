package io.rapport.journey;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The staff task list in the console: filter open / mine / overdue, and complete a task with its outcome. */
@Controller
class StaffTaskConsole {

    private final StaffTasks tasks;

    StaffTaskConsole(StaffTasks tasks) {
        this.tasks = tasks;
    }

    @GetMapping("/staff-tasks")
    @PreAuthorize(StaffTaskController.MAY_READ)
    String list(@RequestParam(defaultValue = StaffTasks.OPEN) String status,
                @RequestParam(defaultValue = "false") boolean mine,
                @RequestParam(defaultValue = "false") boolean overdue, Model model) {
        model.addAttribute("tasks", tasks.list(new StaffTasks.Filter(status, mine, overdue), Actor.current().name(),
                StaffTaskController.roles(), 500));
        model.addAttribute("status", status);
        model.addAttribute("mine", mine);
        model.addAttribute("overdue", overdue);
        return "staff-tasks";
    }

    @PostMapping("/staff-tasks/{id}/completion")
    @PreAuthorize(StaffTaskController.MAY_COMPLETE)
    String complete(@PathVariable long id, @RequestParam(defaultValue = "") String outcome,
                    RedirectAttributes redirect) {
        try {
            tasks.complete(id, outcome, Actor.current());
            redirect.addFlashAttribute("completed", id);
        } catch (RapportException refused) {
            redirect.addFlashAttribute("problem", refused.code());
        }
        return "redirect:/staff-tasks";
    }
}

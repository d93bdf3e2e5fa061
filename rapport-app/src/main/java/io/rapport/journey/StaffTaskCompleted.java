package io.rapport.journey;

/**
 * Domain event: staff completed a journey's task with an outcome. Published inside the completing transaction, so a
 * journey waiting for the outcome moves on in it: the completion and the customer's next steps commit together.
 */
public record StaffTaskCompleted(long taskId, long instanceId, String step, String outcome) {}

package io.rapport.analytics.cycle;

/** A customer's purchase cycle within one category. */
public record CategoryCycle(int customer, int category, PurchaseCycle cycle) {
}

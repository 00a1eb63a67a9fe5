package dev.tether.driver.hybi;

/** Whether a message read now reaches the driver's events: the connection is open. */
@FunctionalInterface
interface OpenCheck {
    /** @return true while the connection is open */
    boolean isOpen();
}

package io.rapport.privacy;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Brings every encrypted value under the current key, in small batches in the background (the server keeps serving:
 * old values stay readable with their old key until rewritten). Also encrypts values stored before encryption was
 * turned on. Runs every {@code rapport.privacy.encryption.rotation-delay} (default one minute) while there is work.
 */
@Service
public class KeyRotation {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

    private final PersonalDataCipher cipher;
    private final List<ProtectedValues> stores;

    KeyRotation(PersonalDataCipher cipher, List<ProtectedValues> stores) {
        this.cipher = cipher;
        this.stores = stores;
    }

    @Scheduled(fixedDelayString = "${rapport.privacy.encryption.rotation-delay:PT1M}")
    void scheduled() {
        if (cipher.enabled()) {
            runOnce(Integer.MAX_VALUE);
        }
    }

    /** Protects up to {@code maxBatches} batches of 500 per store; returns how many values were rewritten. */
    public long runOnce(int maxBatches) {
        long total = 0;
        for (ProtectedValues store : stores) {
            int batches = 0;
            int done;
            while (batches++ < maxBatches && (done = store.protectBatch(500)) > 0) {
                total += done;
            }
        }
        if (total > 0) {
            log.info("Key rotation: {} values now under key {}", total, cipher.currentKey().orElse("-"));
        }
        return total;
    }
}

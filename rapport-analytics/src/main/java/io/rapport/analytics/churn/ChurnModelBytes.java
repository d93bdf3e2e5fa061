package io.rapport.analytics.churn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The saved form of a churn model: a header ("RCHM", format version, model kind), the feature
 * metadata (names, groups, levels, wordings: a model explains itself after loading), then the
 * model's own bytes (XGBoost UBJSON, or the logistic weights).
 */
final class ChurnModelBytes {

    private static final int MAGIC = 0x5243484D; // "RCHM"
    private static final int VERSION = 1;

    private ChurnModelBytes() {
    }

    static byte[] write(ChurnModelKind kind, List<ChurnFeature> features, byte[] payload) {
        var bytes = new ByteArrayOutputStream(payload.length + 64 * features.size() + 32);
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(kind.name());
            out.writeInt(features.size());
            for (var f : features) {
                out.writeUTF(f.name());
                out.writeUTF(f.group());
                writeOptional(out, f.level());
                out.writeUTF(f.wording().raising());
                out.writeUTF(f.wording().lowering());
                writeOptional(out, f.wording().whenZero());
                writeOptional(out, f.wording().whenMissing());
            }
            out.writeInt(payload.length);
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TrainedChurnModel read(byte[] bytes) {
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new ChurnModelException("not a saved churn model");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new ChurnModelException("saved churn model has format version " + version + ", expected " + VERSION);
            }
            var kind = ChurnModelKind.valueOf(in.readUTF());
            int p = in.readInt();
            var features = new ArrayList<ChurnFeature>(p);
            for (int j = 0; j < p; j++) {
                String name = in.readUTF();
                String group = in.readUTF();
                var level = readOptional(in);
                var wording = new ReasonWording(in.readUTF(), in.readUTF(), readOptional(in), readOptional(in));
                features.add(new ChurnFeature(name, group, level, wording));
            }
            byte[] payload = in.readNBytes(in.readInt());
            return switch (kind) {
                case GRADIENT_BOOSTED_TREES -> GradientBoostedChurnModel.fromPayload(features, payload);
                case LOGISTIC_REGRESSION -> LogisticChurnModel.fromPayload(features, payload);
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ChurnModelException("not a readable saved churn model: " + e.getMessage(), e);
        }
    }

    private static void writeOptional(DataOutputStream out, Optional<String> value) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            out.writeUTF(value.get());
        }
    }

    private static Optional<String> readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
    }
}

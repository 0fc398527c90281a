package dev.stemma.protocol;

import dev.stemma.protocol.MalformedRecordException.Reason;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary encoding of {@link StemmaRecord}s: the entry point of this module.
 *
 * <pre>
 * record   := magic "STMA" | version u16 | type u8 | body          (no trailing bytes)
 * manifest := runId str | start instant | seed i64 | 4 x version str | baseSha str
 *             | datasets map | config map | concepts [str] | probes [probe] | shapes [shape]
 * step     := runId str | step i64 | loss f32 | lr f32 | batch [imageId str, t varint, seed i64]
 *             | factors [name str, tensor] | activations [probe varint, layer str, t u16, cond u8, grid u8, tensor]
 * end      := runId str | stepCount i64 | status u8 | end instant | digest 32 bytes
 * tensor   := dtype u8 | rank u8 | dims varint... | data (little-endian, size from dtype and shape)
 * str      := length varint | UTF-8;  [x] := count varint | x...;  instant := seconds i64 | nanos i32
 * </pre>
 *
 * Integers are big-endian, varints unsigned LEB128. Encoding is deterministic: equal records
 * give equal bytes, which the hash chain relies on. Decoding checks every length against the
 * bytes that remain and reports any defect as a {@link MalformedRecordException}.
 */
public final class RecordCodec {
    /** The format version this code writes. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {'S', 'T', 'M', 'A'};
    private static final int TYPE_MANIFEST = 1;
    private static final int TYPE_STEP = 2;
    private static final int TYPE_END = 3;

    private RecordCodec() {}

    /** Encodes a record; equal records encode to equal bytes. */
    public static byte[] encode(StemmaRecord record) {
        ByteWriter w;
        if (record instanceof StepSnapshot s) {
            w = header(TYPE_STEP, estimateSize(s));
            writeStep(w, s);
        } else if (record instanceof RunManifest m) {
            w = header(TYPE_MANIFEST, 1024);
            writeManifest(w, m);
        } else {
            EndOfRun e = (EndOfRun) record;
            w = header(TYPE_END, 128);
            writeEnd(w, e);
        }
        return w.toByteArray();
    }

    /**
     * Decodes one record that fills {@code bytes} exactly.
     *
     * @throws MalformedRecordException if the bytes are not one valid record of a known version
     */
    public static StemmaRecord decode(byte[] bytes) throws MalformedRecordException {
        return decode(bytes, false);
    }

    private static StemmaRecord decode(byte[] bytes, boolean share) throws MalformedRecordException {
        if (bytes == null) {
            throw new MalformedRecordException(Reason.TRUNCATED, "no bytes");
        }
        ByteReader r = new ByteReader(bytes, share);
        for (byte m : MAGIC) {
            if (r.u8("magic") != (m & 0xff)) {
                throw new MalformedRecordException(Reason.BAD_MAGIC, "not a Stemma record");
            }
        }
        int version = r.u16("format version");
        if (version != FORMAT_VERSION) {
            throw new MalformedRecordException(Reason.UNSUPPORTED_VERSION,
                    "format version " + version + ", this build reads " + FORMAT_VERSION);
        }
        int type = r.u8("record type");
        StemmaRecord record;
        try {
            record = switch (type) {
                case TYPE_MANIFEST -> readManifest(r);
                case TYPE_STEP -> readStep(r);
                case TYPE_END -> readEnd(r);
                default -> throw new MalformedRecordException(Reason.UNKNOWN_TYPE, "record type " + type);
            };
        } catch (IllegalArgumentException | DateTimeException e) {
            // A field decoded cleanly but breaks a record invariant (bad run id, duplicate factor...).
            throw new MalformedRecordException(Reason.INVALID_VALUE, e.getMessage());
        }
        if (r.remaining() != 0) {
            throw new MalformedRecordException(Reason.TRAILING_BYTES, r.remaining() + " bytes after the record");
        }
        return record;
    }

    /**
     * Decodes and also requires every float of the record (loss, learning rate, tensors) to be
     * finite: what the collector accepts into a store.
     */
    public static StemmaRecord decodeFinite(byte[] bytes) throws MalformedRecordException {
        return checkFinite(decode(bytes, false));
    }

    /**
     * As {@link #decodeFinite}, but the record's tensors are views of {@code bytes}, not copies:
     * for a caller that owns the array and never changes it afterwards (the collector, with a
     * record value fresh off the topic).
     */
    public static StemmaRecord decodeFiniteSharing(byte[] bytes) throws MalformedRecordException {
        return checkFinite(decode(bytes, true));
    }

    private static StemmaRecord checkFinite(StemmaRecord record) throws MalformedRecordException {
        if (record instanceof StepSnapshot s) {
            if (!Float.isFinite(s.loss()) || !Float.isFinite(s.learningRate())) {
                throw new MalformedRecordException(Reason.NON_FINITE, "step " + s.step() + " loss or learning rate is not finite");
            }
            for (NamedTensor f : s.factors()) {
                if (f.value().hasNonFinite()) {
                    throw new MalformedRecordException(Reason.NON_FINITE, "step " + s.step() + " factor " + f.name());
                }
            }
            for (ProbeActivation a : s.activations()) {
                if (a.values().hasNonFinite()) {
                    throw new MalformedRecordException(Reason.NON_FINITE, "step " + s.step() + " probe " + a.probeId()
                            + " layer " + a.layer());
                }
            }
        }
        return record;
    }

    /**
     * Feeds the bytes {@link #encode} would return for {@code snapshot} to {@code digest}, without
     * building them: tensor data goes to the digest straight from the tensors. What the hash
     * chain hashes, at the cost of the hash alone.
     */
    public static void encodeTo(StepSnapshot snapshot, java.security.MessageDigest digest) {
        ByteWriter w = new ByteWriter(digest);
        w.bytes(MAGIC);
        w.u16(FORMAT_VERSION);
        w.u8(TYPE_STEP);
        writeStep(w, snapshot);
        w.flush();
    }

    /** Encodes one tensor alone (dtype, shape, data): how the store keeps factors and activations. */
    public static byte[] encodeTensor(Tensor tensor) {
        ByteWriter w = new ByteWriter(encodedTensorSize(tensor)); // exact, so the bytes are returned without a copy
        writeTensor(w, tensor);
        return w.toByteArray();
    }

    /** How many bytes {@link #encodeTensor} returns for {@code tensor}. */
    public static int encodedTensorSize(Tensor tensor) {
        int size = 2 + tensor.byteSize();
        for (int d : tensor.rawShape()) {
            size += varintSize(d);
        }
        return size;
    }

    /**
     * Puts the bytes {@link #encodeTensor} returns into {@code out} at its position, advancing it
     * (one copy of the data, no array): for writers that hand the store direct buffers.
     *
     * @throws java.nio.BufferOverflowException if fewer than {@link #encodedTensorSize} bytes remain
     */
    public static void encodeTensor(Tensor tensor, java.nio.ByteBuffer out) {
        if (out.remaining() < encodedTensorSize(tensor)) {
            throw new java.nio.BufferOverflowException();
        }
        out.put((byte) tensor.dtype().code());
        int[] shape = tensor.rawShape();
        out.put((byte) shape.length);
        for (int d : shape) {
            int v = d;
            while ((v & ~0x7f) != 0) {
                out.put((byte) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.put((byte) v);
        }
        out.put(tensor.rawData(), tensor.rawOffset(), tensor.byteSize());
    }

    private static int varintSize(int d) {
        return d < (1 << 7) ? 1 : d < (1 << 14) ? 2 : d < (1 << 21) ? 3 : d < (1 << 28) ? 4 : 5;
    }

    /** Decodes what {@link #encodeTensor} wrote; the bytes must hold exactly one tensor. */
    public static Tensor decodeTensor(byte[] bytes) throws MalformedRecordException {
        ByteReader r = new ByteReader(bytes == null ? new byte[0] : bytes);
        Tensor t = readTensor(r);
        if (r.remaining() != 0) {
            throw new MalformedRecordException(Reason.TRAILING_BYTES, r.remaining() + " bytes after the tensor");
        }
        return t;
    }

    private static ByteWriter header(int type, int expectedSize) {
        ByteWriter w = new ByteWriter(expectedSize);
        w.bytes(MAGIC);
        w.u16(FORMAT_VERSION);
        w.u8(type);
        return w;
    }

    private static int estimateSize(StepSnapshot s) {
        long n = 256L + 24L * s.batch().size();
        for (NamedTensor f : s.factors()) {
            n += 64 + f.value().byteSize();
        }
        for (ProbeActivation a : s.activations()) {
            n += 64 + a.values().byteSize();
        }
        return (int) Math.min(n, Integer.MAX_VALUE - 16);
    }

    // ---- manifest ----

    private static void writeManifest(ByteWriter w, RunManifest m) {
        w.string(m.runId());
        writeInstant(w, m.startTime());
        w.i64(m.seed());
        w.string(m.versions().java());
        w.string(m.versions().djl());
        w.string(m.versions().pytorch());
        w.string(m.versions().stemma());
        w.string(m.baseModelSha256());
        writeMap(w, m.datasetSha256());
        writeMap(w, m.config());
        w.varint(m.concepts().size());
        for (String c : m.concepts()) {
            w.string(c);
        }
        w.varint(m.probes().size());
        for (ProbeSpec p : m.probes()) {
            w.varint(p.probeId());
            w.u8(p.kind().code());
            w.string(p.imageId());
            w.string(p.concept());
        }
        w.varint(m.factorShapes().size());
        for (RunManifest.TensorShape t : m.factorShapes()) {
            w.string(t.name());
            writeShape(w, t.dtype(), t.shape());
        }
    }

    private static RunManifest readManifest(ByteReader r) throws MalformedRecordException {
        String runId = r.string("run id");
        Instant start = readInstant(r, "start time");
        long seed = r.i64("seed");
        SoftwareVersions versions = new SoftwareVersions(r.string("java version"), r.string("djl version"),
                r.string("pytorch version"), r.string("stemma version"));
        String baseSha = r.string("base model sha256");
        Map<String, String> datasets = readMap(r, "dataset digests");
        Map<String, String> config = readMap(r, "config");
        int nConcepts = r.count("concepts", 1);
        List<String> concepts = new ArrayList<>(nConcepts);
        for (int i = 0; i < nConcepts; i++) {
            concepts.add(r.string("concept"));
        }
        int nProbes = r.count("probes", 4);
        List<ProbeSpec> probes = new ArrayList<>(nProbes);
        for (int i = 0; i < nProbes; i++) {
            int id = r.varint("probe id");
            ProbeSpec.Kind kind = ProbeSpec.Kind.fromCode(r.u8("probe kind"));
            probes.add(new ProbeSpec(id, kind, r.string("probe image id"), r.string("probe concept")));
        }
        int nShapes = r.count("factor shapes", 3);
        List<RunManifest.TensorShape> shapes = new ArrayList<>(nShapes);
        for (int i = 0; i < nShapes; i++) {
            String name = r.string("factor name");
            DType dtype = DType.fromCode(r.u8("dtype"));
            shapes.add(new RunManifest.TensorShape(name, dtype, readDims(r)));
        }
        return new RunManifest(runId, start, seed, versions, baseSha, datasets, config, concepts, probes, shapes);
    }

    private static void writeMap(ByteWriter w, Map<String, String> map) {
        w.varint(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            w.string(e.getKey());
            w.string(e.getValue());
        }
    }

    private static Map<String, String> readMap(ByteReader r, String what) throws MalformedRecordException {
        int n = r.count(what, 2);
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String key = r.string(what + " key");
            if (map.put(key, r.string(what + " value")) != null) {
                throw new MalformedRecordException(Reason.INVALID_VALUE, what + " key '" + key + "' appears twice");
            }
        }
        return map;
    }

    // ---- step ----

    private static void writeStep(ByteWriter w, StepSnapshot s) {
        w.string(s.runId());
        w.i64(s.step());
        w.f32(s.loss());
        w.f32(s.learningRate());
        w.varint(s.batch().size());
        for (BatchItem b : s.batch()) {
            w.string(b.imageId());
            w.varint(b.timestep());
            w.i64(b.noiseSeed());
        }
        w.varint(s.factors().size());
        for (NamedTensor f : s.factors()) {
            w.string(f.name());
            writeTensor(w, f.value());
        }
        w.varint(s.activations().size());
        for (ProbeActivation a : s.activations()) {
            w.varint(a.probeId());
            w.string(a.layer());
            w.u16(a.timestep());
            w.u8(a.conditioning().code());
            w.u8(a.pooling().grid());
            writeTensor(w, a.values());
        }
    }

    private static StepSnapshot readStep(ByteReader r) throws MalformedRecordException {
        String runId = r.string("run id");
        long step = r.i64("step");
        float loss = r.f32("loss");
        float lr = r.f32("learning rate");
        int nBatch = r.count("batch", 10);
        List<BatchItem> batch = new ArrayList<>(nBatch);
        for (int i = 0; i < nBatch; i++) {
            batch.add(new BatchItem(r.string("image id"), r.varint("timestep"), r.i64("noise seed")));
        }
        int nFactors = r.count("factors", 3);
        List<NamedTensor> factors = new ArrayList<>(nFactors);
        for (int i = 0; i < nFactors; i++) {
            factors.add(new NamedTensor(r.string("factor name"), readTensor(r)));
        }
        int nActs = r.count("activations", 8);
        List<ProbeActivation> acts = new ArrayList<>(nActs);
        for (int i = 0; i < nActs; i++) {
            int probe = r.varint("probe id");
            String layer = r.string("layer");
            int t = r.u16("timestep");
            Conditioning c = Conditioning.fromCode(r.u8("conditioning"));
            Pooling p = new Pooling(r.u8("pooling grid"));
            acts.add(new ProbeActivation(probe, layer, t, c, p, readTensor(r)));
        }
        return new StepSnapshot(runId, step, loss, lr, batch, factors, acts);
    }

    // ---- end ----

    private static void writeEnd(ByteWriter w, EndOfRun e) {
        w.string(e.runId());
        w.i64(e.stepCount());
        w.u8(e.status().code());
        writeInstant(w, e.endTime());
        w.bytes(e.finalDigest());
    }

    private static EndOfRun readEnd(ByteReader r) throws MalformedRecordException {
        String runId = r.string("run id");
        long steps = r.i64("step count");
        EndOfRun.Status status = EndOfRun.Status.fromCode(r.u8("status"));
        Instant end = readInstant(r, "end time");
        return new EndOfRun(runId, steps, status, end, r.bytes(EndOfRun.DIGEST_BYTES, "final digest"));
    }

    // ---- shared ----

    private static void writeInstant(ByteWriter w, Instant t) {
        w.i64(t.getEpochSecond());
        w.i32(t.getNano());
    }

    private static Instant readInstant(ByteReader r, String what) throws MalformedRecordException {
        long seconds = r.i64(what);
        int nanos = r.i32(what);
        if (nanos < 0 || nanos > 999_999_999) {
            throw new MalformedRecordException(Reason.INVALID_VALUE, what + " nanos " + nanos);
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static void writeShape(ByteWriter w, DType dtype, int[] shape) {
        w.u8(dtype.code());
        w.u8(shape.length);
        for (int d : shape) {
            w.varint(d);
        }
    }

    private static int[] readDims(ByteReader r) throws MalformedRecordException {
        int rank = r.u8("rank");
        if (rank > Tensor.MAX_RANK) {
            throw new MalformedRecordException(Reason.SHAPE_MISMATCH, "rank " + rank + " exceeds " + Tensor.MAX_RANK);
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = r.varint("dimension");
            if (dims[i] < 1) {
                throw new MalformedRecordException(Reason.SHAPE_MISMATCH, "dimension " + dims[i] + " is below 1");
            }
        }
        return dims;
    }

    private static void writeTensor(ByteWriter w, Tensor t) {
        writeShape(w, t.dtype(), t.rawShape());
        w.bytes(t.rawData(), t.rawOffset(), t.byteSize());
    }

    private static Tensor readTensor(ByteReader r) throws MalformedRecordException {
        DType dtype = DType.fromCode(r.u8("dtype"));
        int[] dims = readDims(r);
        long bytes = dtype.byteSize();
        for (int d : dims) {
            bytes *= d;
            if (bytes > r.remaining()) {
                throw new MalformedRecordException(Reason.TRUNCATED, "tensor of shape " + java.util.Arrays.toString(dims)
                        + " needs more bytes than the " + r.remaining() + " that remain");
            }
        }
        return r.tensor(dtype, dims, (int) bytes, "tensor data");
    }
}

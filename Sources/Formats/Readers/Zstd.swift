import CZstd

/// The one file that calls libzstd.
///
/// ``ZstdDecoder`` wraps `ZSTD_decompressStream`, ``ZstdEncoder`` wraps `ZSTD_compressStream2`
/// with `ZSTD_c_checksumFlag` on; both own their context and free it in `deinit`.
enum ZstdStatus {
    /// Throws `make(name)` when `code` is a zstd error code; returns `code` otherwise.
    static func check(_ code: Int, _ make: (String) -> FormatsError) throws -> Int {
        if ZSTD_isError(code) != 0 {
            throw make(String(cString: ZSTD_getErrorName(code)))
        }
        return code
    }
}

/// Decompresses a zstd file as a stream (`ZSTD_decompressStream`), frame after frame.
///
/// A stream that ends inside a frame is reported as truncated, with the compressed byte
/// offset, rather than returning the partial data as if it were complete.
public final class ZstdDecoder: ByteSource {
    public var path: String { file.path }
    private let file: FileByteSource
    public var fileBytesRead: UInt64 { file.offset }
    private let dctx: OpaquePointer
    private var input: [UInt8]
    private var inPos = 0
    private var inLen = 0
    private var inputEnded = false
    /// Last return value of ZSTD_decompressStream: 0 when a frame is complete.
    private var pending = 0
    private var compressedOffset: UInt64 = 0

    init(file: FileByteSource) throws {
        self.file = file
        guard let ctx = ZSTD_createDCtx() else {
            throw FormatsError.zstdCorrupt(path: file.path, offset: 0, status: "ZSTD_createDCtx failed")
        }
        self.dctx = ctx
        self.input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
    }

    deinit { ZSTD_freeDCtx(dctx) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if inPos == inLen && !inputEnded {
                let n = try input.withUnsafeMutableBytes { try file.read(into: $0) }
                inPos = 0
                inLen = n
                if n == 0 { inputEnded = true }
            }
            let (produced, used) = try step(into: buffer)
            if produced > 0 { return produced }
            if inputEnded && used == 0 {
                if pending != 0 {
                    throw FormatsError.zstdTruncated(path: path, offset: compressedOffset)
                }
                return 0
            }
        }
    }

    private func step(into buffer: UnsafeMutableRawBufferPointer) throws -> (Int, Int) {
        let startPos = inPos
        var produced = 0
        let offset = compressedOffset
        let path = self.path
        let ret = try input.withUnsafeBytes { src -> Int in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: inLen, pos: inPos)
            var outBuf = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
            let r = ZSTD_decompressStream(dctx, &outBuf, &inBuf)
            let code = try ZstdStatus.check(r) {
                FormatsError.zstdCorrupt(path: path, offset: offset + UInt64(inBuf.pos - startPos), status: $0)
            }
            inPos = inBuf.pos
            produced = outBuf.pos
            return code
        }
        compressedOffset += UInt64(inPos - startPos)
        // A call that neither consumed nor produced anything says nothing about the frame
        // (after a complete frame, zstd asks for the next header).
        if inPos > startPos || produced > 0 { pending = ret }
        return (produced, inPos - startPos)
    }
}

/// Compresses a stream with `ZSTD_compressStream2`, frame checksums on.
public final class ZstdEncoder {
    private let cctx: OpaquePointer
    private let sink: FileOutput
    private var output: [UInt8]

    /// The input of one zstd job (`ZSTD_c_jobSize`) for a stream of `inputBytes` at `level`,
    /// when workers compress it; `nil` leaves zstd's choice.
    ///
    /// At level 1, zstd's jobs are 2 MiB, and when a stream ends, its last job is compressed
    /// alone: in a run of a few MB, that wait is a tenth of the run. Jobs of 1 MiB halve it, and
    /// two workers compress the last two at once; but in a long stream they cost 2-3% more
    /// time. So a stream whose input is under 64 MiB (the caller's estimate: a source's input
    /// bytes) gets 1 MiB jobs at level 1, and every other keeps zstd's choice. The bytes depend
    /// on the job size, not on the number of workers.
    public static func jobBytes(level: Int, inputBytes: UInt64) -> Int32? {
        level <= 1 && inputBytes < smallInputBytes ? 1 << 20 : nil
    }

    /// Below this, a stream counts as small (see ``jobBytes(level:inputBytes:)``).
    public static let smallInputBytes: UInt64 = 64 << 20

    /// - Parameters:
    ///   - sink: where the compressed bytes go.
    ///   - level: the zstd compression level (1…19).
    ///   - workers: zstd worker threads (`ZSTD_c_nbWorkers`); 0 compresses on the caller's thread.
    ///   - jobBytes: the input of one job when workers compress (see
    ///     ``jobBytes(level:inputBytes:)``); `nil`: zstd's choice.
    public init(sink: FileOutput, level: Int, workers: Int = 0, jobBytes: Int32? = nil) throws {
        guard let ctx = ZSTD_createCCtx() else {
            throw FormatsError.zstdCompression(path: sink.path, status: "ZSTD_createCCtx failed")
        }
        self.cctx = ctx
        self.sink = sink
        self.output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        let path = sink.path
        let fail = { FormatsError.zstdCompression(path: path, status: $0) }
        _ = try ZstdStatus.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, Int32(level)), fail)
        _ = try ZstdStatus.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1), fail)
        if workers > 0 {
            _ = try ZstdStatus.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_nbWorkers, Int32(workers)), fail)
            if let jobBytes {
                _ = try ZstdStatus.check(ZSTD_CCtx_setParameter(ctx, ZSTD_c_jobSize, jobBytes), fail)
            }
        }
    }

    deinit { ZSTD_freeCCtx(cctx) }

    /// Compresses `bytes` and passes what zstd emits to the sink.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try drive(bytes, mode: ZSTD_e_continue)
    }

    /// Ends the frame and flushes everything to the sink.
    public func finish() throws {
        try drive(UnsafeRawBufferPointer(start: nil, count: 0), mode: ZSTD_e_end)
    }

    private func drive(_ bytes: UnsafeRawBufferPointer, mode: ZSTD_EndDirective) throws {
        let path = sink.path
        var inBuf = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while true {
            var produced = 0
            let remaining = try output.withUnsafeMutableBytes { out -> Int in
                var outBuf = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let r = ZSTD_compressStream2(cctx, &outBuf, &inBuf, mode)
                let code = try ZstdStatus.check(r) { FormatsError.zstdCompression(path: path, status: $0) }
                produced = outBuf.pos
                return code
            }
            if produced > 0 {
                try output.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if mode == ZSTD_e_end ? remaining == 0 : inBuf.pos == inBuf.size { return }
        }
    }
}

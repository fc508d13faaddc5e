import CCrypto

/// SHA-256 through OpenSSL's libcrypto (`EVP_DigestInit_ex`, `EVP_DigestUpdate`,
/// `EVP_DigestFinal_ex` with `EVP_sha256()`): the one file that calls libcrypto.
public struct SHA256Digest {
    private final class Context {
        let ctx: OpaquePointer?
        init() {
            ctx = EVP_MD_CTX_new()
            if let ctx { EVP_DigestInit_ex(ctx, EVP_sha256(), nil) }
        }
        deinit { EVP_MD_CTX_free(ctx) }
    }

    private let context = Context()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        EVP_DigestUpdate(context.ctx, bytes.baseAddress, bytes.count)
    }

    /// The digest as lowercase hex.
    ///
    /// - Throws: ``FormatsError/digest(status:)`` when libcrypto could not set up or finish.
    public mutating func finish() throws -> String {
        guard context.ctx != nil else { throw FormatsError.digest(status: "EVP_MD_CTX_new failed") }
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.ctx, &out, &length) == 1 else {
            throw FormatsError.digest(status: "EVP_DigestFinal_ex failed")
        }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        for b in out[0..<Int(length)] {
            s.append(hex[Int(b >> 4)])
            s.append(hex[Int(b & 15)])
        }
        return String(decoding: s, as: UTF8.self)
    }

    /// The SHA-256 of `bytes` as lowercase hex.
    public static func hex(of bytes: [UInt8]) throws -> String {
        var d = SHA256Digest()
        bytes.withUnsafeBytes { d.update($0) }
        return try d.finish()
    }
}

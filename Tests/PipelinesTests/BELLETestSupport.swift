import Formats
import Foundation

@testable import Pipelines

enum BELLETestSupport {
    static func convert(_ record: [String: Any], origin: RecordOrigin) throws -> [Conversation] {
        try BELLERecord.conversations(record, source: "belle", origin: origin).get()
    }
}

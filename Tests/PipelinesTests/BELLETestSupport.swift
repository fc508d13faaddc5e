import Formats
import Foundation

@testable import Pipelines

enum BELLETestSupport {
    static func convert(_ record: JSONValue, origin: RecordOrigin) throws -> [Conversation] {
        try BELLERecord.conversations(record, source: "belle", origin: origin).get()
    }
}

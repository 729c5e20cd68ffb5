import CacheAssembly
import Dispatch
import EPCIS
import StrictJSON

/// The capture rules shared by `POST /epcis/capture` and `stampwatch-hub capture`: read and validate
/// the document (rejected whole on any problem), identify each event (its eventID, else its CBV 2.0
/// hash) and summarise it for the cache. Events are hashed on all cores; the result is in document order.
public enum EPCISCapture {
    public static func prepare(_ bytes: [UInt8]) -> Result<[CapturedEvent], EPCISDocumentError> {
        switch EPCISReader.read(bytes) {
        case .failure(let e): return .failure(e)
        case .success(let document): return .success(prepare(document))
        }
    }

    public static func prepare(_ document: EPCISDocument) -> [CapturedEvent] {
        let context = document.kind == .singleEvent ? nil : document.json["@context"]
        let events = document.events
        var out = [CapturedEvent?](repeating: nil, count: events.count)
        out.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own element only.
            nonisolated(unsafe) let slots = buffer
            let work: @Sendable (Int) -> Void = { i in
                let e = events[i]
                let hash = EventHash.hashID(e)
                let id = e.eventID ?? hash
                slots[i] = CapturedEvent(index: i, type: e.type.name, eventID: id, hashed: e.eventID == nil, contentHash: hash,
                                         summary: EventSummary.summarize(e, eventID: id, documentContext: context))
            }
            if events.count < 64 {
                for i in events.indices { work(i) }
            } else {
                DispatchQueue.concurrentPerform(iterations: events.count, execute: work)
            }
        }
        return out.map { $0! }
    }
}

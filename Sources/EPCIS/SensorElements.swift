import StrictJSON

/// Schema validation of `sensorElementList` (EPCIS 2.0 §7.3.8): the event keeps the list as JSON,
/// but a malformed sensor report is still a malformed document.
extension FieldReader {
    static let sensorMetadataFields = ["time", "deviceID", "deviceMetadata", "rawData", "startTime", "endTime", "dataProcessingMethod", "bizRules"]
    static let sensorReportFields = [
        "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules", "time",
        "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "value", "component", "stringValue",
        "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank",
        "percValue", "uom",
    ]

    mutating func sensorElementList(_ v: JSONValue, _ path: FieldPath) {
        guard let items = array(v, path) else { return }
        for (i, item) in items.enumerated() {
            let p = path.index(i)
            guard let o = object(item, p, what: "a sensor element object") else { continue }
            for k in o.keys where k != "sensorMetadata" && k != "sensorReport" && !FieldReader.isExtensionKey(k) {
                sink.add(p.key(k), "is not a field of a sensor element (sensorMetadata, sensorReport, or a namespaced extension)\(suggestion(k, ["sensorMetadata", "sensorReport"]))")
            }
            if let m = o["sensorMetadata"] { sensorMetadata(m, p.key("sensorMetadata")) }
            guard let r = o["sensorReport"] else {
                sink.add(p.key("sensorReport"), "is missing (a sensor element carries at least one report)")
                continue
            }
            guard let reports = array(r, p.key("sensorReport")) else { continue }
            if reports.isEmpty { sink.add(p.key("sensorReport"), "is empty (a sensor element carries at least one report)") }
            for (j, rep) in reports.enumerated() { sensorReport(rep, p.key("sensorReport").index(j)) }
        }
    }

    private mutating func sensorMetadata(_ v: JSONValue, _ path: FieldPath) {
        guard let o = object(v, path, what: "a sensor metadata object") else { return }
        for (k, val) in o {
            let kp = path.key(k)
            switch k {
            case "time", "startTime", "endTime": _ = time(val, kp)
            case "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules": _ = uri(val, kp)
            default:
                if !FieldReader.isExtensionKey(k) {
                    sink.add(kp, "is not a field of sensorMetadata\(suggestion(k, FieldReader.sensorMetadataFields)); extension fields need a namespace prefix")
                }
            }
        }
    }

    private mutating func sensorReport(_ v: JSONValue, _ path: FieldPath) {
        guard let o = object(v, path, what: "a sensor report object") else { return }
        if o["type"] == nil, o["exception"] == nil {
            // EPCIS 2.0 §7.3.8.2: a report says what was measured, unless it only reports an alert.
            sink.add(path.key("type"), "is missing (what was measured, e.g. \"Temperature\"; only an alert report with \"exception\" may omit it)")
        }
        for (k, val) in o {
            let kp = path.key(k)
            switch k {
            case "type": _ = vocabulary(val, kp, .sensorMeasurementType)
            case "exception": _ = vocabulary(val, kp, .sensorAlertType)
            case "component": _ = vocabulary(val, kp, .component)
            case "time": _ = time(val, kp)
            case "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules", "microorganism",
                 "chemicalSubstance", "coordinateReferenceSystem", "uriValue":
                _ = uri(val, kp)
            case "value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue": _ = number(val, kp)
            case "stringValue", "uom": _ = string(val, kp)
            case "booleanValue": _ = bool(val, kp)
            case "hexBinaryValue":
                if let s = string(val, kp), s.isEmpty || !s.utf8.allSatisfy(URISyntax.isHex) {
                    sink.add(kp, "\(quoted(s)) is not hexadecimal")
                }
            default:
                if !FieldReader.isExtensionKey(k) {
                    sink.add(kp, "is not a field of sensorReport\(suggestion(k, FieldReader.sensorReportFields)); extension fields need a namespace prefix")
                }
            }
        }
    }
}

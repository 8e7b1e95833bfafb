import EdgeApp

/// Home Assistant MQTT discovery: retained config messages at
/// `<discovery prefix>/<component>/<node id>/<object id>/config` that make the board appear as one device with an
/// emotion sensor (the seven smoothed scores as attributes), a face-present binary sensor and a frame-rate sensor,
/// all read from `<prefix>/state` and marked unavailable through `<prefix>/availability`.
struct HomeAssistantDiscovery {
    struct Message: Equatable {
        var topic: String
        var payload: String
    }

    var discoveryPrefix: String
    var topics: MQTTTopics
    var identity: BoardIdentity

    /// The node id: the client id with anything but letters, digits, `_` and `-` replaced by `_`.
    var nodeID: String {
        String(identity.clientID.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
    }

    var messages: [Message] {
        [
            entity(component: "sensor", object: "emotion", name: "Emotion", fields: [
                ("value_template", "{{ value_json.emotion if value_json.emotion else 'none' }}"),
                ("json_attributes_topic", topics.state),
                ("json_attributes_template", "{{ (value_json.scores or {}) | tojson }}"),
                ("icon", "mdi:emoticon-outline"),
            ]),
            entity(component: "binary_sensor", object: "face", name: "Face present", fields: [
                ("value_template", "{{ 'ON' if value_json.faces > 0 else 'OFF' }}"),
                ("device_class", "occupancy"),
            ]),
            entity(component: "sensor", object: "fps", name: "Frames per second", fields: [
                ("value_template", "{{ value_json.fps }}"),
                ("unit_of_measurement", "fps"),
                ("state_class", "measurement"),
                ("icon", "mdi:speedometer"),
            ]),
        ]
    }

    private func entity(component: String, object: String, name: String, fields: [(String, String)]) -> Message {
        let q = JSONLineEncoder.quoted
        var members = [
            ("name", q(name)),
            ("unique_id", q("\(nodeID)_\(object)")),
            ("object_id", q("\(nodeID)_\(object)")),
            ("state_topic", q(topics.state)),
            ("availability_topic", q(topics.availability)),
            ("payload_available", q("online")),
            ("payload_not_available", q("offline")),
        ]
        members += fields.map { ($0.0, q($0.1)) }
        let device = "{\"identifiers\":[\(q("edge-run-\(nodeID)"))],\"name\":\(q(identity.clientID))"
            + ",\"model\":\(q(identity.board)),\"manufacturer\":\"edge-run\",\"sw_version\":\(q(identity.version))}"
        members.append(("device", device))
        let payload = "{" + members.map { "\(q($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        return Message(topic: "\(discoveryPrefix)/\(component)/\(nodeID)/\(object)/config", payload: payload)
    }
}

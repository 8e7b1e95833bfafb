import Foundation
import Testing
import EdgeBoardConfig

/// A valid config with an `mqtt` section made of `members` (JSON object members, without braces).
private func config(mqtt members: String?, metrics: String? = nil) -> Data {
    var text = """
        {"board": "test", "camera": {"device": "/dev/video0", "format": "GREY", "width": 64, "height": 48, "fps": 5},
         "detector": {"cascade": "c.edgecascade"}, "model": {"path": "m"}
        """
    if let members { text += ", \"mqtt\": {\(members)}" }
    if let metrics { text += ", \"metrics\": {\(metrics)}" }
    return Data((text + "}").utf8)
}

private func failure(_ data: Data) -> BoardConfigError? {
    do {
        _ = try BoardConfig.parse(data, file: "board.json")
        return nil
    } catch {
        return error as? BoardConfigError
    }
}

@Suite struct MQTTConfigTests {
    @Test func absentSectionMeansNoMQTT() throws {
        let board = try BoardConfig.parse(config(mqtt: nil), file: "board.json")
        #expect(board.mqtt == nil)
        #expect(board.metrics == nil)
    }

    @Test func defaultsAreFilledIn() throws {
        let mqtt = try #require(try BoardConfig.parse(config(mqtt: "\"host\": \"broker.lan\""), file: "b").mqtt)
        #expect(mqtt == MQTTConfig(host: "broker.lan"))
        #expect(mqtt.port == 1883 && mqtt.eventQoS == 1 && mqtt.discoveryPrefix == "homeassistant")
        #expect(mqtt.tls == nil && mqtt.passwordFile == nil && mqtt.clientID == nil)
    }

    @Test func everyKeyIsRead() throws {
        let members = """
            "host": "h", "clientId": "kitchen", "topicPrefix": "home/kitchen", "keepaliveSeconds": 60, "eventQoS": 2,
            "stateIntervalSeconds": 5, "queueCapacity": 10, "maxInflight": 4, "reconnectMaxSeconds": 8,
            "discoveryPrefix": "ha", "commands": true, "username": "u", "passwordFile": "/etc/edge-run/mqtt.password",
            "tls": {"caFile": "/etc/ca.crt", "certFile": "/etc/c.crt", "keyFile": "/etc/c.key"}
            """
        let mqtt = try #require(try BoardConfig.parse(config(mqtt: members), file: "b").mqtt)
        #expect(mqtt == MQTTConfig(host: "h", port: 8883, clientID: "kitchen", topicPrefix: "home/kitchen",
                                   keepaliveSeconds: 60, eventQoS: 2, stateIntervalSeconds: 5, queueCapacity: 10,
                                   maxInflight: 4, reconnectMaxSeconds: 8, discoveryPrefix: "ha", commands: true,
                                   username: "u", passwordFile: "/etc/edge-run/mqtt.password",
                                   tls: .init(caFile: "/etc/ca.crt", certFile: "/etc/c.crt", keyFile: "/etc/c.key")))
        #expect(mqtt.tls?.insecure == false)
        let noDiscovery = try BoardConfig.parse(config(mqtt: "\"host\": \"h\", \"discovery\": false"), file: "b").mqtt
        #expect(noDiscovery?.discoveryPrefix == nil)
    }

    @Test func badValuesNameTheKey() {
        let cases: [(String, String)] = [
            ("\"port\": 1883", "mqtt.host"),
            ("\"host\": \"h\", \"port\": 70000", "mqtt.port"),
            ("\"host\": \"h\", \"eventQoS\": 3", "mqtt.eventQoS"),
            ("\"host\": \"h\", \"topicPrefix\": \"a/#\"", "mqtt.topicPrefix"),
            ("\"host\": \"h\", \"topicPrefix\": \"/a\"", "mqtt.topicPrefix"),
            ("\"host\": \"h\", \"clientId\": \"a b\"", "mqtt.clientId"),
            ("\"host\": \"h\", \"passwordFile\": \"/p\"", "mqtt.passwordFile"),
            ("\"host\": \"h\", \"password\": \"secret\"", "mqtt.password"),
            ("\"host\": \"h\", \"tls\": {\"caFile\": \"/ca\", \"certFile\": \"/c\"}", "mqtt.tls.keyFile"),
            ("\"host\": \"h\", \"tls\": {\"certFile\": \"/c\", \"keyFile\": \"/k\"}", "mqtt.tls.caFile"),
            ("\"host\": \"h\", \"tls\": {\"caFile\": \"/ca\", \"insecure\": \"yes\"}", "mqtt.tls.insecure"),
        ]
        for (members, key) in cases {
            #expect(failure(config(mqtt: members))?.key == key, "\(members)")
        }
    }

    @Test func metricsSectionIsValidated() throws {
        let board = try BoardConfig.parse(config(mqtt: nil, metrics: "\"textfile\": \"/var/lib/n/edge.prom\""), file: "b")
        #expect(board.metrics == MetricsConfig(textfile: "/var/lib/n/edge.prom", intervalSeconds: 10))
        #expect(failure(config(mqtt: nil, metrics: "\"textfile\": \"/var/lib/n/edge.txt\""))?.key == "metrics.textfile")
        #expect(failure(config(mqtt: nil, metrics: "\"textfile\": \"/a.prom\", \"intervalSeconds\": 0"))?.key == "metrics.intervalSeconds")
    }

    @Test func clientIDFromHostName() {
        #expect(MQTTConfig.defaultClientID(hostName: "pi-kitchen.local") == "pi-kitchen-local")
        #expect(MQTTConfig.defaultClientID(hostName: "") == "edge-run")
    }
}

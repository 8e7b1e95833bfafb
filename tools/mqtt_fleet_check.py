#!/usr/bin/env python3
"""Checks for tools/test.d/62-mqtt-fleet (standard library only).

  free-ports N                         N free TCP ports on 127.0.0.1
  events LINES.jsonl SUB.log PREFIX    every announcement in the JSON lines is one event on PREFIX/event, in order;
                                       prints "expected=E received=R unique=U duplicates=D lost=L order=ok|bad"
  discovery RETAINED.log PREFIX        the retained Home Assistant configs: three, well formed, tied to one device
                                       with PREFIX/availability and PREFIX/state
  availability SUB.log PREFIX WORDS    the availability payloads seen for PREFIX are exactly WORDS (comma separated)
  rate LINES.jsonl DOWN UP             processed frames per second in the 4 s before DOWN and from DOWN + 0.5 s to UP
                                       (epoch seconds): "before during"
  prom URL QUERY                       value of an instant query through Prometheus' HTTP API (nothing if absent)

SUB.log lines are mosquitto_sub -F '%r|%t|%p' output: retained flag, topic, payload.
"""
import datetime
import json
import socket
import sys
import urllib.parse
import urllib.request


def free_ports(count):
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in sockets))
    for s in sockets:
        s.close()


def messages(log_path, topic=None):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            parts = line.rstrip("\n").split("|", 2)
            if len(parts) == 3 and (topic is None or parts[1] == topic):
                yield parts[0] == "1", parts[1], parts[2]


def announcements(lines_path):
    with open(lines_path, encoding="utf-8") as lines:
        for line in lines:
            report = json.loads(line)
            for change in report["changes"]:
                yield report["frame"], change["id"], change["emotion"]


def events(lines_path, log_path, prefix):
    expected = list(announcements(lines_path))
    received = [json.loads(payload) for _, _, payload in messages(log_path, prefix + "/event")]
    seen, unique = set(), []
    for event in received:
        if event["seq"] not in seen:
            seen.add(event["seq"])
            unique.append(event)
    in_order = all(a["seq"] < b["seq"] for a, b in zip(unique, unique[1:]))
    got = [(e["frame"], e["id"], e["emotion"]) for e in unique]
    same = got == expected
    lost = len(expected) - len(unique) if len(unique) <= len(expected) else 0
    print(f"expected={len(expected)} received={len(received)} unique={len(unique)} "
          f"duplicates={len(received) - len(unique)} lost={lost} order={'ok' if in_order and same else 'bad'}")


def discovery(log_path, prefix):
    configs = {topic: payload for retained, topic, payload in messages(log_path)
               if retained and topic.startswith("homeassistant/") and topic.endswith("/config")}
    problems = []
    components = sorted(topic.split("/")[1] for topic in configs)
    if components != ["binary_sensor", "sensor", "sensor"]:
        problems.append(f"expected a binary_sensor and two sensors, found {components}")
    devices = set()
    for topic, payload in configs.items():
        try:
            config = json.loads(payload)
        except ValueError as error:
            problems.append(f"{topic}: not JSON ({error})")
            continue
        for key in ("name", "unique_id", "state_topic", "availability_topic", "value_template", "device"):
            if key not in config:
                problems.append(f"{topic}: no {key}")
        if config.get("availability_topic") != prefix + "/availability":
            problems.append(f"{topic}: availability_topic {config.get('availability_topic')}")
        if config.get("state_topic") != prefix + "/state":
            problems.append(f"{topic}: state_topic {config.get('state_topic')}")
        device = config.get("device", {})
        if not device.get("identifiers") or not device.get("name"):
            problems.append(f"{topic}: device without identifiers or name")
        devices.add(json.dumps(device, sort_keys=True))
    if len(devices) != 1:
        problems.append(f"configs name {len(devices)} different devices, expected one")
    emotion = [json.loads(p) for t, p in configs.items() if t.endswith("/emotion/config")]
    if not emotion or "json_attributes_topic" not in emotion[0]:
        problems.append("the emotion sensor has no json_attributes_topic (the seven scores)")
    for problem in problems:
        print("discovery: " + problem)
    print(f"discovery: {len(configs)} retained configs, {len(problems)} problems")
    sys.exit(1 if problems else 0)


def availability(log_path, prefix, words):
    seen = [payload for _, _, payload in messages(log_path, prefix + "/availability")]
    print("availability: " + ",".join(seen))
    sys.exit(0 if seen == words.split(",") else 1)


def rate(lines_path, down, up):
    down, up = float(down), float(up)
    windows = [(down - 4, down), (down + 0.5, up)]
    counts = [0, 0]
    with open(lines_path, encoding="utf-8") as lines:
        for line in lines:
            stamp = json.loads(line)["time"]
            when = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
            for index, (start, end) in enumerate(windows):
                if start <= when.timestamp() < end:
                    counts[index] += 1
    print(" ".join(f"{count / (end - start):.2f}" for count, (start, end) in zip(counts, windows)))


def prom(url, query):
    with urllib.request.urlopen(url + "/api/v1/query?" + urllib.parse.urlencode({"query": query}), timeout=5) as reply:
        answer = json.load(reply)
    for result in answer.get("data", {}).get("result", []):
        print(result["value"][1])
        return


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"free-ports": lambda: free_ports(int(arguments[0])),
     "events": lambda: events(*arguments),
     "discovery": lambda: discovery(*arguments),
     "availability": lambda: availability(*arguments),
     "rate": lambda: rate(*arguments),
     "prom": lambda: prom(*arguments)}[command]()

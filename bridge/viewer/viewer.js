// pose-bridge browser viewer: protocol v1 over WebSocket (JSON subprotocol), drawn on a 2D canvas with a
// hand-written perspective projection. No libraries, no build step, works offline.
//
// The skeleton topology (landmark names, bones, sides) and the angle names come from the server's `hello`
// message; nothing about the 33-landmark layout is hard-coded here. Coordinates: MediaPipe world landmarks are
// meters with the origin between the hips, x to the image's right, y down, z away from the camera. The view
// uses y up and z towards the camera: (X, Y, Z) = (x, -y, -z), so the default camera sees what the camera saw.
"use strict";

(function () {
  const SIDE_COLORS = { left: [255, 140, 26], right: [26, 163, 255], center: [224, 224, 224] };
  const FOV = (45 * Math.PI) / 180;
  const NEAR = 0.05;
  const DEFAULT_CAMERA = { yaw: 0.45, pitch: 0.18, dist: 3.4, target: [0, -0.1, 0] };
  const PING_EVERY_MS = 2000;
  const VIS_FLOOR = 0.12; // alpha of a landmark with visibility 0: faded but not gone

  const $ = (id) => document.getElementById(id);
  const canvas = $("view");
  const ctx = canvas.getContext("2d");

  // Everything the page knows; exposed as window.poseViewer for debugging and the browser tests.
  const S = {
    url: null,
    ws: null,
    conn: "connecting",
    hello: null,
    frame: null, // newest frame message
    pose: null, // newest detected pose as 3D points [{p:[X,Y,Z], v}] (kept while nobody is detected)
    people: [], // with serve --max-people: [{id, pts, labelAt}] for everyone in the newest frame, primary first
    hands: [], // with serve --hands: [{side, pts}] of every hand in the newest frame (none: not found in it)
    framesReceived: 0,
    arrivals: [], // receive times (ms) of the last second of frames
    clockSamples: [], // {rtt, offset} from ping/pong, ms
    offsetMs: null, // server clock minus our clock
    latency: { e2e: [], net: [] },
    state: null, // replay state
    ended: null,
    lastError: null,
    coords: "world",
    cam: JSON.parse(JSON.stringify(DEFAULT_CAMERA)),
    floorY: null,
    draws: 0,
    dirty: true,
    retryMs: 1000,
    avatar: null, // the avatar view (avatar.js) when the server sends humanoid poses (serve --avatar)
    showAvatar: true,
  };
  window.poseViewer = S;

  // ------------------------------------------------------------------ clocks

  const nowMs = () => performance.timeOrigin + performance.now();

  function send(obj) {
    if (S.ws && S.ws.readyState === WebSocket.OPEN) S.ws.send(JSON.stringify(obj));
  }

  function ping() {
    // client_ns must be an integer; a double of ~1.7e18 prints as plain digits in JSON.
    send({ type: "control", op: "ping", client_ns: Math.round(nowMs() * 1e6) });
  }

  function onPong(m) {
    const t1 = nowMs();
    const t0 = m.client_ns / 1e6;
    const rtt = t1 - t0;
    if (!(rtt >= 0 && rtt < 60000)) return;
    S.clockSamples.push({ rtt, offset: m.server_ns / 1e6 - (t0 + t1) / 2 });
    if (S.clockSamples.length > 10) S.clockSamples.shift();
    // the sample with the smallest round trip has the tightest bound on the offset
    S.offsetMs = S.clockSamples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
  }

  // ------------------------------------------------------------------ connection

  function wsUrl() {
    // ?token=T (the server's --token; browsers cannot send headers) goes on to the WebSocket URL
    const params = new URLSearchParams(location.search);
    const url = new URL(params.get("ws") || (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/");
    const token = params.get("token");
    if (token && !url.searchParams.has("token")) url.searchParams.set("token", token);
    return url.href;
  }

  // the URL as shown on the page: without the token
  const shownUrl = (url) => url.replace(/([?&]token=)[^&]*/, "$1…");

  let pingTimer = null;
  let retryTimer = null;

  function connect() {
    clearTimeout(retryTimer);
    S.url = wsUrl();
    S.ended = null;
    setConn("connecting", "connecting to " + shownUrl(S.url) + " …");
    let ws;
    try {
      ws = new WebSocket(S.url, "posebridge.v1.json");
    } catch (e) {
      setConn("closed", "cannot connect: " + e.message);
      return;
    }
    S.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      S.retryMs = 1000;
      setConn("connected", "connected");
      // a few quick pings first: the first round trip is often slow (connection set-up), the offset
      // is taken from the fastest one
      ping();
      for (const ms of [150, 400, 800]) setTimeout(ping, ms);
      pingTimer = setInterval(ping, PING_EVERY_MS);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch (e) {
        showMessage("the server sent a message that is not JSON");
        return;
      }
      handle(m);
    };
    ws.onclose = (ev) => {
      clearInterval(pingTimer);
      S.ws = null;
      if (S.ended) {
        setConn("ended", `stream ended (${S.ended.reason}, ${S.ended.frames} frames)`);
        $("reconnect").hidden = false;
        return;
      }
      const secs = Math.round(S.retryMs / 1000);
      // a refused handshake (wrong token, origin not allowed) looks like any failed connection to a page
      const hint = opened ? "" : new URLSearchParams(location.search).has("token")
        ? " (refused? check the token)" : " (refused? a server started with --token needs ?token=… in this page's URL)";
      setConn("closed", `disconnected${ev.code ? " (" + ev.code + ")" : ""}${hint} — retrying in ${secs} s`);
      $("reconnect").hidden = false;
      retryTimer = setTimeout(connect, S.retryMs);
      S.retryMs = Math.min(S.retryMs * 2, 10000);
    };
  }

  function handle(m) {
    switch (m.type) {
      case "hello":
        onHello(m);
        break;
      case "frame":
        onFrame(m);
        break;
      case "state":
        onState(m);
        break;
      case "pong":
        onPong(m);
        break;
      case "end":
        S.ended = { frames: m.frames, reason: m.reason || "eof" };
        setConn("ended", `stream ended (${S.ended.reason}, ${m.frames} frames)`);
        break;
      case "error":
        S.lastError = m;
        showMessage(`server: ${m.message} (${m.code})`);
        break;
      default: // unknown message types are ignored (protocol v1 rule)
    }
  }

  function onHello(m) {
    S.hello = m;
    S.frame = null;
    S.pose = null;
    S.floorY = null;
    S.framesReceived = 0;
    S.arrivals = [];
    S.latency = { e2e: [], net: [] };
    S.boneSides = m.bones.map(([a, b]) => boneSide(m.sides, a, b));
    S.hands = [];
    const src = m.source;
    const size = src.width && src.height ? ` · ${src.width}×${src.height}` : "";
    const fps = src.fps ? ` · ${src.fps.toFixed(src.fps % 1 ? 2 : 0)} fps` : "";
    $("source").textContent = `${src.kind}: ${src.name}${size}${fps}${src.loop ? " · loop" : ""}`;
    $("replay").hidden = !src.replay;
    if (src.replay) setSeekRange(src.frames);
    const coords = src.coords || ["image", "world"];
    const sel = $("coords");
    for (const opt of sel.options) opt.disabled = !coords.includes(opt.value);
    if (!coords.includes(S.coords)) S.coords = coords.includes("world") ? "world" : "image";
    sel.value = S.coords;
    $("angles").hidden = !(m.angles && m.angles.length);
    const bones = m.humanoid_bones || [];
    S.avatar = bones.length && window.PoseAvatar ? window.PoseAvatar.create(bones, m.root_motion) : null;
    $("avatar-toggle").hidden = !S.avatar;
    if (S.avatar) resetView();
    $("angle-rows").textContent = "";
    showMessage(null);
    S.dirty = true;
  }

  function onFrame(m) {
    const t = nowMs();
    S.frame = m;
    S.framesReceived += 1;
    S.arrivals.push(t);
    while (S.arrivals.length && S.arrivals[0] < t - 1000) S.arrivals.shift();
    if (S.offsetMs !== null) {
      pushLatency(S.latency.e2e, t + S.offsetMs - m.captured_ns / 1e6);
      pushLatency(S.latency.net, t + S.offsetMs - m.sent_ns / 1e6);
    }
    const pose = toPoints(m);
    if (pose) S.pose = pose;
    S.people = peoplePoints(m);
    S.hands = handPoints(m, pose);
    if (m.angles) renderAngles(m.angles);
    if (S.avatar && m.humanoid) S.avatar.update(m.humanoid, m.contacts);
    if (S.hello && S.hello.source.replay && !seeking) {
      $("seek").value = String(m.seq);
      $("position").textContent = positionText(m.seq);
    }
    S.dirty = true;
  }

  function onState(m) {
    S.state = m;
    $("playpause").textContent = m.paused ? "resume" : "pause";
    const speed = m.speed === "max" ? "max" : String(m.speed);
    const sel = $("speed");
    if (![...sel.options].some((o) => o.value === speed)) {
      const o = document.createElement("option");
      o.value = speed;
      o.textContent = speed + "×";
      sel.appendChild(o);
    }
    sel.value = speed;
    if (m.frames !== null && m.frames !== undefined) setSeekRange(m.frames);
    if (!seeking) {
      $("seek").value = String(Math.max(0, m.position - (m.paused ? 1 : 0)));
      $("position").textContent = positionText(Math.max(0, m.position - 1)) + (m.paused ? " · paused" : "");
    }
  }

  function pushLatency(list, v) {
    list.push(v);
    if (list.length > 30) list.shift();
  }

  const median = (xs) => {
    if (!xs.length) return null;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  };

  function setConn(state, text) {
    S.conn = state;
    const el = $("conn");
    el.dataset.state = state;
    el.textContent = text;
    if (state === "connected" || state === "connecting") $("reconnect").hidden = true;
  }

  function showMessage(text) {
    const el = $("message");
    el.hidden = !text;
    el.textContent = text || "";
  }

  function boneSide(sides, a, b) {
    const sa = sides[a] || "center";
    const sb = sides[b] || "center";
    if (sa === sb) return sa;
    if (sa === "center") return sb;
    if (sb === "center") return sa;
    return "center";
  }

  // ------------------------------------------------------------------ panel

  function updatePanel() {
    const f = S.frame;
    if (f) {
      $("frame").textContent = `${f.seq} · t ${f.t.toFixed(2)} s`;
      const detected = f.world !== null || f.image !== null;
      const el = $("detected");
      const several = f.people && f.people.length ? f.people : null;
      el.textContent = several
        ? `${several.length} ${several.length === 1 ? "person" : "people"} (id ${several.map((p) => p.id).join(", ")})`
        : detected
          ? "detected"
          : "no person detected";
      el.className = detected ? "yes" : "no";
      const banner = $("banner");
      banner.hidden = detected;
      banner.textContent = "no person detected";
    }
    $("fps").textContent = S.arrivals.length > 1 ? fpsText() : "–";
    const e2e = median(S.latency.e2e);
    const net = median(S.latency.net);
    let lat = "–";
    if (e2e !== null) {
      // a replayed recording keeps its original capture times: end-to-end means nothing then
      lat = Math.abs(e2e) > 30000 ? "– (recorded capture times)" : `${e2e.toFixed(0)} ms`;
      if (net !== null) lat += ` (${net.toFixed(1)} ms)`;
    } else if (S.conn === "connected") {
      lat = "measuring…";
    }
    $("latency").textContent = lat;
  }

  function fpsText() {
    const a = S.arrivals;
    const span = a[a.length - 1] - a[0];
    return span > 0 ? (((a.length - 1) * 1000) / span).toFixed(1) : "–";
  }

  function renderAngles(angles) {
    const names = S.hello && S.hello.angles && S.hello.angles.length ? S.hello.angles : Object.keys(angles);
    const rows = [];
    const done = new Set();
    for (const name of names) {
      if (done.has(name)) continue;
      const m = /^(left|right)_(.+)$/.exec(name);
      if (m && names.includes("left_" + m[2]) && names.includes("right_" + m[2])) {
        rows.push([m[2], angles["left_" + m[2]], angles["right_" + m[2]]]);
        done.add("left_" + m[2]).add("right_" + m[2]);
      } else {
        rows.push([name, angles[name], undefined]);
        done.add(name);
      }
    }
    const fmt = (v) => (v === null || v === undefined ? (v === null ? "–" : "") : v.toFixed(0));
    const body = $("angle-rows");
    if (body.children.length !== rows.length) {
      body.textContent = "";
      for (let i = 0; i < rows.length; i++) body.insertRow().append(...[0, 1, 2].map(() => document.createElement("td")));
    }
    rows.forEach(([label, l, r], i) => {
      const cells = body.rows[i].cells;
      cells[0].textContent = label.replace(/_/g, " ");
      cells[1].textContent = fmt(l);
      cells[2].textContent = r === undefined ? "" : fmt(r);
    });
    $("angles").hidden = false;
  }

  // ------------------------------------------------------------------ replay controls

  let seeking = false;

  function setSeekRange(frames) {
    const el = $("seek");
    if (frames) {
      el.max = String(frames - 1);
      el.disabled = false;
    } else {
      el.disabled = true; // unknown length: seeking by slider is not possible
    }
  }

  function positionText(seq) {
    const total = (S.state && S.state.frames) || (S.hello && S.hello.source.frames);
    return total ? `frame ${seq + 1} / ${total}` : `frame ${seq + 1}`;
  }

  function togglePause() {
    if (!S.hello || !S.hello.source.replay) return;
    const paused = S.state ? S.state.paused : false;
    send({ type: "control", op: paused ? "resume" : "pause" });
  }

  $("playpause").addEventListener("click", togglePause);
  $("restart").addEventListener("click", () => send({ type: "control", op: "seek", frame: 0 }));
  $("speed").addEventListener("change", (e) => {
    const v = e.target.value;
    send({ type: "control", op: "speed", speed: v === "max" ? "max" : Number(v) });
  });
  const seek = $("seek");
  seek.addEventListener("input", () => {
    seeking = true;
    $("position").textContent = positionText(Number(seek.value));
  });
  seek.addEventListener("change", () => {
    seeking = false;
    send({ type: "control", op: "seek", frame: Number(seek.value) });
  });
  $("reconnect").addEventListener("click", () => {
    if (S.ws) S.ws.close();
    connect();
  });
  $("collapse").addEventListener("click", () => {
    const p = $("panel");
    p.classList.toggle("collapsed");
    $("collapse").textContent = p.classList.contains("collapsed") ? "+" : "–";
  });
  $("coords").addEventListener("change", (e) => {
    S.coords = e.target.value;
    S.floorY = null;
    if (S.frame) S.pose = toPoints(S.frame) || S.pose;
    if (S.frame) S.people = peoplePoints(S.frame);
    S.dirty = true;
  });
  $("reset-view").addEventListener("click", resetView);
  $("show-avatar").addEventListener("change", (e) => {
    S.showAvatar = e.target.checked;
    S.dirty = true;
  });
  window.addEventListener("keydown", (e) => {
    if (e.code === "Space" && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement)) {
      e.preventDefault();
      togglePause();
    }
  });

  // ------------------------------------------------------------------ geometry

  // Landmark rows [x, y, z, visibility, presence] -> view points {p: [X, Y, Z], v}, or null when absent.
  // `centre`: image coordinates are shifted by it (default: this pose's own hips, so the primary person stands at
  // the origin); `offset`: world coordinates are shifted by it (another person's place relative to the primary).
  function toPoints(m, centre, offset, floor = true) {
    const useWorld = S.coords === "world" ? m.world || null : null;
    const block = useWorld || m.image;
    if (!block) return null;
    let pts;
    if (useWorld) {
      const o = offset || [0, 0, 0];
      pts = block.map((r) => ({ p: [r[0] + o[0], -r[1] + o[1], -r[2] + o[2]], v: r[3] }));
    } else {
      // image coordinates: x, y in [0, 1] of width/height, z on the scale of x; shown ~2 units tall, hips centred
      const src = S.hello ? S.hello.source : {};
      const aspect = src.width && src.height ? src.width / src.height : 4 / 3;
      const k = 2.0;
      pts = block.map((r) => ({ p: [(r[0] - 0.5) * k * aspect, -(r[1] - 0.5) * k, -r[2] * k * aspect], v: r[3] }));
      const hips = centre || hipCentre(pts);
      if (hips) for (const q of pts) q.p = [q.p[0] - hips[0], q.p[1] - hips[1], q.p[2] - hips[2]];
      if (!centre) pts.centre = hips;
    }
    if (floor) updateFloor(pts);
    return pts;
  }

  // Everyone of a frame with several people (serve --max-people N): the primary person (people[0], also the
  // top-level landmarks) at the origin, the others where they stand relative to them: in world coordinates from the
  // roots' difference (x, -y, -z as the points), in image coordinates from where they are in the picture.
  function peoplePoints(m) {
    if (!m.people || !m.people.length) return [];
    const primary = m.people[0];
    const main = toPoints(primary, null, null, false);
    if (!main) return [];
    const out = [];
    for (const person of m.people) {
      let offset = null;
      if (person !== primary && primary.root && person.root) {
        const d = [0, 1, 2].map((i) => person.root[i] - primary.root[i]);
        offset = [d[0], -d[1], -d[2]];
      }
      const pts = person === primary ? main : toPoints(person, main.centre || null, offset, false);
      if (!pts) continue;
      const names = S.hello ? S.hello.landmarks : [];
      const head = pts[Math.max(0, names.indexOf("nose"))];
      out.push({ id: person.id, pts, labelAt: head ? [head.p[0], head.p[1] + 0.25, head.p[2]] : null });
    }
    return out;
  }

  // The hands of a frame (serve --hands, protocol/SPEC.md §4c) as view points, placed like their person's body:
  // world hand landmarks are already in the body's world space (re-anchored at its wrist), image ones are shifted
  // by the body's hip centre. Only this frame's hands: a hand not found in it is not drawn (never a stale one).
  function handPoints(m, primary) {
    const out = [];
    const add = (person, centre, offset) => {
      for (const side of ["left", "right"]) {
        const hand = person[side + "_hand"];
        if (!hand) continue;
        const pts = toPoints(hand, centre, offset, false);
        if (pts) out.push({ side, pts });
      }
    };
    if (m.people && m.people.length) {
      for (const p of S.people) {
        const person = m.people.find((q) => q.id === p.id);
        if (!person) continue;
        const primaryRoot = m.people[0].root;
        const offset = person !== m.people[0] && primaryRoot && person.root
          ? [person.root[0] - primaryRoot[0], -(person.root[1] - primaryRoot[1]), -(person.root[2] - primaryRoot[2])]
          : null;
        add(person, p.pts.centre || (S.people[0] && S.people[0].pts.centre) || null, offset);
      }
    } else if (primary) {
      add(m, primary.centre || null, null);
    }
    return out;
  }

  // A colour per person id: hues a golden angle apart (the Unity package's People.ColorForId does the same).
  function idColor(id) {
    const h = (0.08 + id * 0.618033988749895) % 1;
    const s = 0.75;
    const v = 0.95;
    const i = Math.floor(h * 6);
    const f = h * 6 - i;
    const p = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6];
    return rgb.map((c) => Math.round(c * 255));
  }

  function hipCentre(pts) {
    const names = S.hello ? S.hello.landmarks : [];
    const l = names.indexOf("left_hip");
    const r = names.indexOf("right_hip");
    if (l < 0 || r < 0) return null;
    return [0, 1, 2].map((i) => (pts[l].p[i] + pts[r].p[i]) / 2);
  }

  // The floor follows the lowest foot at once and rises back slowly (so a jump does not lift it).
  function updateFloor(pts) {
    const names = S.hello ? S.hello.landmarks : [];
    let low = Infinity;
    names.forEach((n, i) => {
      if (/(heel|foot|ankle)/.test(n) && pts[i] && pts[i].v > 0.3 && Number.isFinite(pts[i].p[1])) {
        low = Math.min(low, pts[i].p[1]);
      }
    });
    if (!Number.isFinite(low)) {
      for (const q of pts) if (Number.isFinite(q.p[1])) low = Math.min(low, q.p[1]);
    }
    if (!Number.isFinite(low)) return;
    low = Math.max(-2.5, Math.min(-0.2, low));
    S.floorY = S.floorY === null ? low : Math.min(low, S.floorY + 0.01);
  }

  const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const norm = (a) => {
    const l = Math.hypot(a[0], a[1], a[2]) || 1;
    return [a[0] / l, a[1] / l, a[2] / l];
  };

  function camera(w, h) {
    const c = S.cam;
    const eye = [
      c.target[0] + c.dist * Math.sin(c.yaw) * Math.cos(c.pitch),
      c.target[1] + c.dist * Math.sin(c.pitch),
      c.target[2] + c.dist * Math.cos(c.yaw) * Math.cos(c.pitch),
    ];
    const f = norm(sub(c.target, eye));
    const r = norm(cross(f, [0, 1, 0]));
    const u = cross(r, f);
    return { eye, f, r, u, cx: w / 2, cy: h / 2, F: h / 2 / Math.tan(FOV / 2) };
  }

  // world point -> {x, y, z(depth)} in CSS pixels; z <= NEAR means behind the camera
  function project(cam, p) {
    const d = sub(p, cam.eye);
    const z = dot(d, cam.f);
    return { x: cam.cx + (cam.F * dot(d, cam.r)) / z, y: cam.cy - (cam.F * dot(d, cam.u)) / z, z };
  }

  function clipSegment(cam, a, b) {
    const da = dot(sub(a, cam.eye), cam.f);
    const db = dot(sub(b, cam.eye), cam.f);
    if (da <= NEAR && db <= NEAR) return null;
    if (da < NEAR) a = lerp(a, b, (NEAR - da) / (db - da));
    else if (db < NEAR) b = lerp(b, a, (NEAR - db) / (da - db));
    return [project(cam, a), project(cam, b)];
  }

  const lerp = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
  const finite3 = (p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && Number.isFinite(p[2]);
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  const rgba = (c, a) => `rgba(${c[0]},${c[1]},${c[2]},${a.toFixed(3)})`;
  const alphaOf = (v) => VIS_FLOOR + (1 - VIS_FLOOR) * clamp(Number.isFinite(v) ? v : 0, 0, 1);

  // ------------------------------------------------------------------ drawing

  function resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      S.dirty = true;
    }
    return dpr;
  }

  function draw() {
    const dpr = resize();
    const w = canvas.width / dpr;
    const h = canvas.height / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const g = ctx.createLinearGradient(0, 0, 0, h);
    g.addColorStop(0, "#1d232c");
    g.addColorStop(1, "#0e1014");
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, w, h);
    const cam = camera(w, h);
    const floor = S.floorY === null ? -0.9 : S.floorY;
    drawGrid(cam, floor);
    if (S.pose && S.hello) {
      const detected = S.frame && (S.frame.world !== null || S.frame.image !== null);
      drawShadow(cam, S.pose, floor);
      drawSkeleton(cam, S.pose, detected);
      drawPeople(cam, detected);
      drawHands(cam);
      if (S.avatar && S.showAvatar) S.avatar.draw({ ctx, cam, project, near: NEAR }, floor, detected);
    } else {
      ctx.fillStyle = "#8a93a3";
      ctx.font = "15px system-ui, sans-serif";
      ctx.textAlign = "center";
      let text = "not connected";
      if (S.conn === "connected") text = S.framesReceived ? "nobody detected yet" : "waiting for frames…";
      ctx.fillText(text, w / 2, h / 2);
    }
    S.draws += 1;
  }

  function drawGrid(cam, y) {
    const half = 3;
    const step = 0.5;
    ctx.lineWidth = 1;
    for (let i = -half; i <= half + 1e-9; i += step) {
      const major = Math.abs(i) < 1e-9;
      ctx.strokeStyle = major ? "rgba(255,255,255,0.28)" : "rgba(255,255,255,0.10)";
      for (const [a, b] of [
        [[i, y, -half], [i, y, half]],
        [[-half, y, i], [half, y, i]],
      ]) {
        const s = clipSegment(cam, a, b);
        if (!s) continue;
        ctx.beginPath();
        ctx.moveTo(s[0].x, s[0].y);
        ctx.lineTo(s[1].x, s[1].y);
        ctx.stroke();
      }
    }
  }

  function drawShadow(cam, pts, y) {
    ctx.lineCap = "round";
    ctx.strokeStyle = "rgba(0,0,0,0.35)";
    S.hello.bones.forEach(([a, b]) => {
      if (!pts[a] || !pts[b] || !finite3(pts[a].p) || !finite3(pts[b].p)) return;
      const s = clipSegment(cam, [pts[a].p[0], y, pts[a].p[2]], [pts[b].p[0], y, pts[b].p[2]]);
      if (!s) return;
      ctx.lineWidth = clamp((0.05 * cam.F) / ((s[0].z + s[1].z) / 2), 1, 20);
      ctx.beginPath();
      ctx.moveTo(s[0].x, s[0].y);
      ctx.lineTo(s[1].x, s[1].y);
      ctx.stroke();
    });
  }

  // The others of a several-people frame, each in its id's colour, and every id as a label above the head.
  function drawPeople(cam, detected) {
    if (!S.people.length) return;
    for (const person of S.people.slice(1)) drawSkeleton(cam, person.pts, detected, idColor(person.id));
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.textAlign = "center";
    for (const person of S.people) {
      if (!person.labelAt || !finite3(person.labelAt)) continue;
      const s = project(cam, person.labelAt);
      if (s.z <= NEAR) continue;
      ctx.fillStyle = rgba(person === S.people[0] ? [235, 235, 235] : idColor(person.id), 1);
      ctx.fillText("id " + person.id, s.x, s.y);
    }
  }

  // Each hand of the newest frame: its 21 bones (hello.hand_bones) and joints, thinner than the body's.
  function drawHands(cam) {
    const bones = S.hello.hand_bones;
    if (!bones || !S.hands.length) return;
    ctx.lineCap = "round";
    for (const hand of S.hands) {
      const color = SIDE_COLORS[hand.side] || SIDE_COLORS.center;
      ctx.strokeStyle = rgba(color, 0.95);
      for (const [a, b] of bones) {
        const pa = hand.pts[a], pb = hand.pts[b];
        if (!pa || !pb || !finite3(pa.p) || !finite3(pb.p)) continue;
        const s = clipSegment(cam, pa.p, pb.p);
        if (!s) continue;
        ctx.lineWidth = clamp((0.012 * cam.F) / ((s[0].z + s[1].z) / 2), 1, 6);
        ctx.beginPath();
        ctx.moveTo(s[0].x, s[0].y);
        ctx.lineTo(s[1].x, s[1].y);
        ctx.stroke();
      }
      ctx.fillStyle = rgba([240, 240, 240], 0.95);
      for (const q of hand.pts) {
        if (!finite3(q.p)) continue;
        const s = project(cam, q.p);
        if (s.z <= NEAR) continue;
        ctx.beginPath();
        ctx.arc(s.x, s.y, clamp((0.008 * cam.F) / s.z, 1, 4), 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    S.handDraws = (S.handDraws || 0) + 1;
  }

  function drawSkeleton(cam, pts, detected, tint) {
    const sides = S.hello.sides;
    const items = []; // painter's algorithm: bones and joints sorted far to near
    S.hello.bones.forEach(([a, b], k) => {
      if (!pts[a] || !pts[b] || !finite3(pts[a].p) || !finite3(pts[b].p)) return;
      const s = clipSegment(cam, pts[a].p, pts[b].p);
      if (!s) return;
      items.push({ depth: (s[0].z + s[1].z) / 2, bone: s, side: S.boneSides[k], vis: Math.min(pts[a].v, pts[b].v) });
    });
    pts.forEach((q, i) => {
      if (!finite3(q.p)) return;
      const s = project(cam, q.p);
      if (s.z <= NEAR) return;
      items.push({ depth: s.z - 1e-3, joint: s, side: sides[i] || "center", vis: q.v });
    });
    items.sort((a, b) => b.depth - a.depth);
    ctx.lineCap = "round";
    for (const it of items) {
      const color = !detected ? [120, 120, 120] : tint || SIDE_COLORS[it.side] || SIDE_COLORS.center;
      const alpha = detected ? alphaOf(it.vis) : 0.35;
      if (it.bone) {
        ctx.strokeStyle = rgba(color, alpha);
        ctx.lineWidth = clamp((0.035 * cam.F) / it.depth, 1.5, 16);
        ctx.beginPath();
        ctx.moveTo(it.bone[0].x, it.bone[0].y);
        ctx.lineTo(it.bone[1].x, it.bone[1].y);
        ctx.stroke();
      } else {
        const r = clamp((0.028 * cam.F) / it.depth, 2, 14);
        ctx.fillStyle = rgba(color.map((c) => Math.round(c * 0.55 + 255 * 0.45)), alpha);
        ctx.strokeStyle = rgba([10, 12, 16], alpha);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.arc(it.joint.x, it.joint.y, r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    }
  }

  // ------------------------------------------------------------------ mouse / touch camera

  let drag = null;
  let pinch = null; // distance between two touching fingers, for pinch zoom
  const pointers = new Map();
  const pinchDistance = () => {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y) || 1;
  };
  canvas.addEventListener("pointerdown", (e) => {
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    canvas.setPointerCapture(e.pointerId);
    if (pointers.size === 2) {
      pinch = pinchDistance();
      drag = null;
      return;
    }
    drag = { x: e.clientX, y: e.clientY, pan: e.shiftKey || e.button === 2 };
    canvas.classList.add("dragging");
  });
  canvas.addEventListener("pointermove", (e) => {
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pinch !== null && pointers.size === 2) {
      const d = pinchDistance();
      S.cam.dist = clamp((S.cam.dist * pinch) / d, 0.5, 20);
      pinch = d;
      S.dirty = true;
      return;
    }
    if (!drag) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    drag.x = e.clientX;
    drag.y = e.clientY;
    const c = S.cam;
    if (drag.pan) {
      const cam = camera(canvas.clientWidth, canvas.clientHeight);
      const k = c.dist / cam.F;
      for (let i = 0; i < 3; i++) c.target[i] += (-dx * cam.r[i] + dy * cam.u[i]) * k;
    } else {
      c.yaw -= dx * 0.008;
      c.pitch = clamp(c.pitch + dy * 0.008, -1.45, 1.45);
    }
    S.dirty = true;
  });
  const endDrag = (e) => {
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    drag = null;
    canvas.classList.remove("dragging");
  };
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  canvas.addEventListener("contextmenu", (e) => e.preventDefault());
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      S.cam.dist = clamp(S.cam.dist * Math.exp(e.deltaY * 0.001), 0.5, 20);
      S.dirty = true;
    },
    { passive: false }
  );
  canvas.addEventListener("dblclick", resetView);

  function resetView() {
    S.cam = JSON.parse(JSON.stringify(DEFAULT_CAMERA));
    if (S.avatar) Object.assign(S.cam, { target: [0.6, -0.1, 0], dist: 4.4 }); // skeleton and avatar side by side
    S.dirty = true;
  }

  // ------------------------------------------------------------------ main loop

  let lastPanel = 0;
  function tick(t) {
    if (S.dirty || canvas.width !== Math.round(canvas.clientWidth * (window.devicePixelRatio || 1))) {
      S.dirty = false;
      draw();
    }
    if (t - lastPanel > 200) {
      lastPanel = t;
      updatePanel();
    }
    requestAnimationFrame(tick);
  }
  window.addEventListener("resize", () => (S.dirty = true));
  requestAnimationFrame(tick);
  connect();
})();

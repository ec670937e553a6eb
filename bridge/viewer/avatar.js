// pose-bridge viewer: the avatar view. A simple humanoid — one box per bone — posed by the rotations the server's
// humanoid solver sends in `frame.humanoid` (pose-bridge serve --avatar), drawn beside the skeleton so the solver
// can be seen without Unity. No libraries.
//
// The pose (protocol/SPEC.md §4a) is in Unity's axes (x right, y up, z forward; T-pose = identity): the Hips
// rotation is relative to the camera's space, every other rotation to its parent. The standard skeleton below is
// bridge/humanoid/model.py's REST_JOINTS and REST_TIPS (the browser test checks this forward kinematics against
// the Python one). The viewer's axes are Unity's with z flipped: (X, Y, Z) = (x, y, -z).
//
// A grounded stream (hello.root_motion "grounded", serve --grounded, SPEC §4d) gives the hips in floor space: their
// y is the height above the floor, so the figure stands on the viewer's floor as it is (a jump leaves it), and each
// foot on the ground (frame.contacts) gets a mark on the floor under it.
//
// With serve --avatar --hands, hello.humanoid_bones continues with the 30 finger bones (SPEC §4c): each finger segment
// is a small box, hanging from the Hand, whose palm is then drawn short (the fingers take the rest). Their rest
// offsets are bridge/humanoid/fingers.py's REST_LOCAL and REST_TIPS (the finger model the solver inverts; the browser
// test checks them and the forward kinematics against the Python ones): the left hand's below, the right hand's
// their mirror image (x -> -x), as in fingers.py.
"use strict";

(function () {
  // bone -> [parent, joint position in the T-pose (Unity axes, meters, from the hip centre)]
  const REST = {
    Hips: [null, [0, 0, 0]],
    Spine: ["Hips", [0, 0.1, 0]],
    Chest: ["Spine", [0, 0.25, 0]],
    Neck: ["Chest", [0, 0.5, 0]],
    Head: ["Neck", [0, 0.6, 0]],
    LeftShoulder: ["Chest", [-0.03, 0.46, 0]],
    LeftUpperArm: ["LeftShoulder", [-0.18, 0.5, 0]],
    LeftLowerArm: ["LeftUpperArm", [-0.46, 0.5, 0]],
    LeftHand: ["LeftLowerArm", [-0.71, 0.5, 0]],
    RightShoulder: ["Chest", [0.03, 0.46, 0]],
    RightUpperArm: ["RightShoulder", [0.18, 0.5, 0]],
    RightLowerArm: ["RightUpperArm", [0.46, 0.5, 0]],
    RightHand: ["RightLowerArm", [0.71, 0.5, 0]],
    LeftUpperLeg: ["Hips", [-0.1, 0, 0]],
    LeftLowerLeg: ["LeftUpperLeg", [-0.1, -0.42, 0]],
    LeftFoot: ["LeftLowerLeg", [-0.1, -0.82, 0]],
    LeftToes: ["LeftFoot", [-0.1, -0.87, 0.13]],
    RightUpperLeg: ["Hips", [0.1, 0, 0]],
    RightLowerLeg: ["RightUpperLeg", [0.1, -0.42, 0]],
    RightFoot: ["RightLowerLeg", [0.1, -0.82, 0]],
    RightToes: ["RightFoot", [0.1, -0.87, 0.13]],
  };
  // where a bone's box ends: its child joint, or a tip (relative to the joint); [width, depth] of the box
  const SHAPE = {
    Hips: ["Spine", [0.26, 0.16]],
    Spine: ["Chest", [0.24, 0.15]],
    Chest: ["Neck", [0.3, 0.17]],
    Neck: ["Head", [0.07, 0.07]],
    Head: [[0, 0.2, 0.02], [0.15, 0.18]],
    LeftShoulder: ["LeftUpperArm", [0.07, 0.07]],
    LeftUpperArm: ["LeftLowerArm", [0.08, 0.09]],
    LeftLowerArm: ["LeftHand", [0.06, 0.07]],
    LeftHand: [[-0.17, 0, 0], [0.03, 0.09]],
    RightShoulder: ["RightUpperArm", [0.07, 0.07]],
    RightUpperArm: ["RightLowerArm", [0.08, 0.09]],
    RightLowerArm: ["RightHand", [0.06, 0.07]],
    RightHand: [[0.17, 0, 0], [0.03, 0.09]],
    LeftUpperLeg: ["LeftLowerLeg", [0.12, 0.12]],
    LeftLowerLeg: ["LeftFoot", [0.09, 0.1]],
    LeftFoot: ["LeftToes", [0.09, 0.05]],
    LeftToes: [[0, 0, 0.07], [0.09, 0.03]],
    RightUpperLeg: ["RightLowerLeg", [0.12, 0.12]],
    RightLowerLeg: ["RightFoot", [0.09, 0.1]],
    RightFoot: ["RightToes", [0.09, 0.05]],
    RightToes: [[0, 0, 0.07], [0.09, 0.03]],
  };
  // left-hand finger bone (without "Left") -> [parent, joint offset from the parent's joint (Unity axes, meters, T-pose)]
  const FINGERS_LEFT = {
    ThumbProximal: ["Hand", [-0.025, -0.012, 0.022]],
    ThumbIntermediate: ["ThumbProximal", [-0.024109950987, -0.006027487747, 0.031342936283]],
    ThumbDistal: ["ThumbIntermediate", [-0.01928796079, -0.004821990197, 0.025074349027]],
    IndexProximal: ["Hand", [-0.09, 0, 0.022]],
    IndexIntermediate: ["IndexProximal", [-0.042, 0, 0]],
    IndexDistal: ["IndexIntermediate", [-0.025, 0, 0]],
    MiddleProximal: ["Hand", [-0.095, 0, 0]],
    MiddleIntermediate: ["MiddleProximal", [-0.046, 0, 0]],
    MiddleDistal: ["MiddleIntermediate", [-0.029, 0, 0]],
    RingProximal: ["Hand", [-0.09, 0, -0.02]],
    RingIntermediate: ["RingProximal", [-0.042, 0, 0]],
    RingDistal: ["RingIntermediate", [-0.027, 0, 0]],
    LittleProximal: ["Hand", [-0.08, 0, -0.038]],
    LittleIntermediate: ["LittleProximal", [-0.033, 0, 0]],
    LittleDistal: ["LittleIntermediate", [-0.02, 0, 0]],
  };
  // where each left fingertip is, from its Distal joint
  const FINGER_TIPS_LEFT = {
    ThumbDistal: [-0.016876965691, -0.004219241423, 0.021940055398],
    IndexDistal: [-0.02, 0, 0],
    MiddleDistal: [-0.021, 0, 0],
    RingDistal: [-0.021, 0, 0],
    LittleDistal: [-0.018, 0, 0],
  };
  // both hands: bone -> [parent, offset]; Distal bone -> tip; in hello order (left, then right; parents first)
  const FINGERS = {};
  const FINGER_TIPS = {};
  for (const [side, m] of [["Left", 1], ["Right", -1]]) {
    for (const [b, [parent, o]] of Object.entries(FINGERS_LEFT)) FINGERS[side + b] = [side + parent, [m * o[0], o[1], o[2]]];
    for (const [b, t] of Object.entries(FINGER_TIPS_LEFT)) FINGER_TIPS[side + b] = [m * t[0], t[1], t[2]];
  }
  // a finger segment's box: its next joint (or tip) in the T-pose, relative to its own joint; [width, depth]
  const FINGER_SHAPE = {};
  for (const b of Object.keys(FINGERS)) {
    const next = b.endsWith("Proximal") ? b.replace("Proximal", "Intermediate") : b.replace("Intermediate", "Distal");
    const end = b.endsWith("Distal") ? FINGER_TIPS[b] : FINGERS[next][1];
    FINGER_SHAPE[b] = [end, b.includes("Thumb") ? [0.02, 0.018] : [0.016, 0.014]];
  }
  // with fingers, the Hand box is the palm only: from the wrist to the middle knuckle, as wide as the knuckles
  const PALM = { LeftHand: [[-0.085, 0, -0.008], [0.07, 0.025]], RightHand: [[0.085, 0, -0.008], [0.07, 0.025]] };
  const COLORS = { left: [255, 140, 26], right: [26, 163, 255], center: [200, 200, 200] };
  const LIGHT = norm([-0.4, 0.8, 0.45]); // view space, from above and in front
  const HIPS_HEIGHT = 0.89;

  function norm(a) {
    const l = Math.hypot(a[0], a[1], a[2]) || 1;
    return [a[0] / l, a[1] / l, a[2] / l];
  }
  const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const add = (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
  const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

  // quaternions [x, y, z, w], Unity's (Hamilton) product: mul(a, b) rotates by b, then by a
  function mul(a, b) {
    return [
      a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
      a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
      a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
      a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
    ];
  }
  function rotate(q, v) {
    const u = [q[0], q[1], q[2]];
    const t = cross(u, v).map((c) => 2 * c);
    return add(add(v, t.map((c) => c * q[3])), cross(u, t));
  }
  function unit(q) {
    const l = Math.hypot(q[0], q[1], q[2], q[3]);
    return l > 1e-9 && Number.isFinite(l) ? q.map((c) => c / l) : [0, 0, 0, 1];
  }

  // The avatar for a stream whose hello lists `bones` (hello.humanoid_bones).
  function create(bones, rootMotion) {
    const A = {
      bones: bones.slice(),
      fingers: bones.includes("LeftThumbProximal"), // the stream carries finger bones (serve --avatar --hands)
      fingerFaces: 0, // finger box faces painted in the last draw
      grounded: rootMotion === "grounded",
      contacts: null, // [left, right] on the ground (grounded streams)
      marks: 0, // contact marks drawn in the last draw
      offset: [1.2, 0, 0], // view space: beside the skeleton
      world: {}, // bone -> world rotation (Unity axes)
      unityJoints: {}, // bone -> joint position (Unity axes, hips displacement included, no offset)
      posed: false,
      draws: 0,
    };

    // Forward kinematics of one frame's humanoid ([[hx, hy, hz], [x, y, z, w] per bone]).
    A.update = function (humanoid, contacts) {
      if (!Array.isArray(humanoid) || humanoid.length !== A.bones.length + 1) return false;
      A.contacts = Array.isArray(contacts) && contacts.length === 2 ? contacts.map(Boolean) : null;
      const local = {};
      A.bones.forEach((b, i) => (local[b] = unit(humanoid[i + 1])));
      const world = {};
      const joints = {};
      const order = Object.keys(REST); // parents first
      for (const b of order) {
        const [parent, rest] = REST[b];
        const q = local[b] || [0, 0, 0, 1];
        if (parent === null) {
          world[b] = q;
          joints[b] = humanoid[0].slice(0, 3);
        } else {
          world[b] = mul(world[parent], q);
          joints[b] = add(joints[parent], rotate(world[parent], sub(rest, REST[parent][1])));
        }
      }
      if (A.fingers) {
        for (const [b, [parent, offset]] of Object.entries(FINGERS)) {
          world[b] = mul(world[parent], local[b] || [0, 0, 0, 1]);
          joints[b] = add(joints[parent], rotate(world[parent], offset));
        }
      }
      A.world = world;
      A.unityJoints = joints;
      A.posed = true;
      return true;
    };

    // One box per bone, faces sorted far to near and shaded by a fixed light. `v` gives the viewer's camera
    // and projection: {ctx, cam, project(cam, p), near}.
    A.draw = function (v, floorY, detected) {
      if (!A.posed) return;
      // standing on the viewer's floor: the hips 0.89 m above the soles (the standard skeleton), or, grounded, at the
      // height above the floor that the stream gives
      const lift = A.grounded ? 0 : HIPS_HEIGHT;
      const toView = (p) => [p[0] + A.offset[0], p[1] + floorY + lift, -p[2] + A.offset[2]];
      const ctx = v.ctx;
      // planted feet: a mark on the floor under the foot (drawn first: the foot covers it)
      A.marks = 0;
      if (A.grounded && A.contacts) {
        ["LeftFoot", "RightFoot"].forEach((foot, i) => {
          if (!A.contacts[i] || !A.unityJoints[foot]) return;
          const c = A.unityJoints[foot];
          const fwd = rotate(A.world[foot], [0, 0, 1]);
          const f = norm([fwd[0], 0, fwd[2]]);
          const r = [f[2], 0, -f[0]];
          const pts = [[-0.06, -0.07], [0.06, -0.07], [0.06, 0.2], [-0.06, 0.2]].map(([a, b]) => {
            const p = toView([c[0] + r[0] * a + f[0] * b, 0, c[2] + r[2] * a + f[2] * b]);
            p[1] = floorY;
            return p;
          });
          if (pts.some((p) => dot(sub(p, v.cam.eye), v.cam.f) <= v.near)) return;
          const s = pts.map((p) => v.project(v.cam, p));
          ctx.fillStyle = "rgba(90, 220, 120, 0.55)";
          ctx.beginPath();
          ctx.moveTo(s[0].x, s[0].y);
          for (let k = 1; k < 4; k++) ctx.lineTo(s[k].x, s[k].y);
          ctx.closePath();
          ctx.fill();
          A.marks += 1;
        });
      }
      const faces = [];
      // bone -> [box axis in the T-pose (from its joint), [width, depth]]
      const boxes = {};
      for (const [b, [end, size]] of Object.entries(SHAPE)) {
        const restJoint = REST[b][1];
        boxes[b] = [typeof end === "string" ? sub(REST[end][1], restJoint) : end, size];
      }
      if (A.fingers) {
        Object.assign(boxes, PALM, FINGER_SHAPE);
      }
      for (const b of Object.keys(boxes)) {
        const [axis, [w, d]] = boxes[b];
        const len = Math.hypot(axis[0], axis[1], axis[2]);
        if (len < 1e-6) continue;
        const along = axis.map((c) => c / len);
        // cross-section axes in the T-pose: a limb along x is wide in z, one along y or z is wide in x
        const widthDir = Math.abs(along[0]) > 0.7 ? [0, 0, 1] : [1, 0, 0];
        const depthDir = norm(cross(along, widthDir));
        const corners = [];
        for (const s of [0, 1])
          for (const i of [-1, 1])
            for (const j of [-1, 1]) {
              const c = add(add(along.map((x) => x * s * len), widthDir.map((x) => (x * i * w) / 2)), depthDir.map((x) => (x * j * d) / 2));
              corners.push(toView(add(A.unityJoints[b], rotate(A.world[b], c))));
            }
        const side = b.startsWith("Left") ? "left" : b.startsWith("Right") ? "right" : "center";
        // corner index = s*4 + i*2 + j (i, j in {0, 1}); the six faces of the box
        for (const f of [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]]) {
          const p = f.map((k) => corners[k]);
          const n = norm(cross(sub(p[1], p[0]), sub(p[3], p[0])));
          const centre = p.reduce((a, q) => add(a, q), [0, 0, 0]).map((c) => c / 4);
          // the corners wind outwards in Unity's axes; the view's z flip turns `n` inwards: a face whose inward
          // normal points at the camera is a back face
          if (dot(n, sub(v.cam.eye, centre)) >= 0) continue;
          faces.push({ p, n, side, finger: b in FINGERS, depth: dot(sub(centre, v.cam.eye), v.cam.f) });
        }
      }
      faces.sort((a, b) => b.depth - a.depth);
      ctx.lineWidth = 0.6;
      A.fingerFaces = 0;
      for (const face of faces) {
        if (face.p.some((p) => dot(sub(p, v.cam.eye), v.cam.f) <= v.near)) continue;
        if (face.finger) A.fingerFaces += 1;
        const s = face.p.map((p) => v.project(v.cam, p));
        const shade = 0.45 + 0.55 * Math.max(0, -dot(face.n, LIGHT)); // -n: the outward normal
        const base = detected ? COLORS[face.side] : [120, 120, 120];
        const c = base.map((x) => Math.round(x * shade));
        ctx.fillStyle = `rgba(${c[0]},${c[1]},${c[2]},${detected ? 0.95 : 0.4})`;
        ctx.strokeStyle = "rgba(10,12,16,0.5)";
        ctx.beginPath();
        ctx.moveTo(s[0].x, s[0].y);
        for (let k = 1; k < 4; k++) ctx.lineTo(s[k].x, s[k].y);
        ctx.closePath();
        ctx.fill();
        ctx.stroke();
      }
      A.draws += 1;
    };
    return A;
  }

  window.PoseAvatar = { create, REST, FINGERS, FINGER_TIPS };
})();

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PoseBridge.Tests
{
    /// <summary>
    /// A decoded message in the vectors' JSON-friendly normal form (protocol/generate_vectors.py
    /// <c>to_value</c>), and a deep comparison of such trees.
    /// </summary>
    public static class MessageTree
    {
        static Dictionary<string, object> AnglesTree(Dictionary<string, double?> source)
        {
            var angles = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, double?> kv in source)
                angles[kv.Key] = kv.Value;
            return angles;
        }

        static List<object> HumanoidTree(float[] humanoid)
        {
            var rows = new List<object>();
            var hips = new List<object>();
            for (int i = 0; i < 3; i++)
                hips.Add((double)humanoid[i]);
            rows.Add(hips);
            for (int b = 3; b + 4 <= humanoid.Length; b += 4)
            {
                var q = new List<object>();
                for (int i = 0; i < 4; i++)
                    q.Add((double)humanoid[b + i]);
                rows.Add(q);
            }
            return rows;
        }

        public static Dictionary<string, object> ToTree(Message message)
        {
            var t = new Dictionary<string, object>(StringComparer.Ordinal);
            t["type"] = message.Type;
            var hello = message as HelloMessage;
            if (hello != null)
            {
                t["protocol"] = hello.Protocol;
                t["server"] = hello.Server;
                var s = hello.Source;
                t["source"] = new Dictionary<string, object>
                {
                    { "kind", s.Kind }, { "name", s.Name }, { "fps", s.Fps }, { "width", s.Width }, { "height", s.Height },
                    { "frames", s.Frames }, { "loop", s.Loop }, { "replay", s.Replay }, { "coords", Strings(s.Coords) },
                };
                t["landmarks"] = Strings(hello.Landmarks);
                t["fields"] = Strings(hello.Fields);
                var bones = new List<object>();
                foreach (int[] b in hello.Bones)
                    bones.Add(new List<object> { (long)b[0], (long)b[1] });
                t["bones"] = bones;
                t["sides"] = Strings(hello.Sides);
                t["angles"] = Strings(hello.Angles);
                if (hello.HumanoidBones.Length > 0)
                    t["humanoid_bones"] = Strings(hello.HumanoidBones);
                if (hello.MaxPeople != 1)
                    t["max_people"] = hello.MaxPeople;
                if (hello.RootMotion != "in-place")
                    t["root_motion"] = hello.RootMotion;
                if (hello.HandLandmarks.Length > 0)
                {
                    t["hand_landmarks"] = Strings(hello.HandLandmarks);
                    var handBones = new List<object>();
                    foreach (int[] b in hello.HandBones)
                        handBones.Add(new List<object> { (long)b[0], (long)b[1] });
                    t["hand_bones"] = handBones;
                }
                return t;
            }
            var frame = message as FrameMessage;
            if (frame != null)
            {
                t["seq"] = frame.Seq;
                t["t"] = frame.T;
                t["captured_ns"] = frame.CapturedNs;
                t["image"] = Block(frame.Image);
                t["world"] = Block(frame.World);
                if (frame.HasHands)
                {
                    t["left_hand"] = HandTree(frame.LeftHand);
                    t["right_hand"] = HandTree(frame.RightHand);
                }
                if (frame.Angles != null)
                    t["angles"] = AnglesTree(frame.Angles);
                if (frame.Humanoid != null)
                    t["humanoid"] = HumanoidTree(frame.Humanoid);
                if (frame.Contacts != null)
                    t["contacts"] = new List<object> { frame.Contacts[0], frame.Contacts[1] };
                if (frame.People != null)
                {
                    var people = new List<object>();
                    foreach (PersonMessage p in frame.People)
                    {
                        var person = new Dictionary<string, object>(StringComparer.Ordinal);
                        person["id"] = p.Id;
                        person["image"] = Block(p.Image);
                        person["world"] = Block(p.World);
                        if (frame.HasHands)
                        {
                            person["left_hand"] = HandTree(p.LeftHand);
                            person["right_hand"] = HandTree(p.RightHand);
                        }
                        person["root"] = p.Root == null ? null : new List<object> { p.Root[0], p.Root[1], p.Root[2] };
                        if (p.Angles != null)
                            person["angles"] = AnglesTree(p.Angles);
                        if (p.Humanoid != null)
                            person["humanoid"] = HumanoidTree(p.Humanoid);
                        if (p.Contacts != null)
                            person["contacts"] = new List<object> { p.Contacts[0], p.Contacts[1] };
                        people.Add(person);
                    }
                    t["people"] = people;
                }
                t["sent_ns"] = frame.SentNs;
                return t;
            }
            var end = message as EndMessage;
            if (end != null)
            {
                t["frames"] = end.Frames;
                t["reason"] = end.Reason;
                return t;
            }
            var error = message as ErrorMessage;
            if (error != null)
            {
                t["code"] = error.Code;
                t["message"] = error.Text;
                return t;
            }
            var pong = message as PongMessage;
            if (pong != null)
            {
                t["client_ns"] = pong.ClientNs;
                t["server_ns"] = pong.ServerNs;
                return t;
            }
            var state = message as StateMessage;
            if (state != null)
            {
                t["paused"] = state.Paused;
                t["speed"] = state.Speed.HasValue ? (object)state.Speed.Value : "max";
                t["position"] = state.Position;
                t["frames"] = state.Frames;
                return t;
            }
            var control = message as ControlMessage;
            if (control != null)
            {
                t["op"] = control.OpName;
                if (control.Op == ControlOp.Ping)
                    t["client_ns"] = control.ClientNs;
                else if (control.Op == ControlOp.Seek)
                    t["frame"] = control.Frame;
                else if (control.Op == ControlOp.Speed)
                    t["speed"] = control.Speed.HasValue ? (object)control.Speed.Value : "max";
                return t;
            }
            var unknown = (UnknownMessage)message;
            foreach (KeyValuePair<string, object> kv in unknown.Fields)
                t[kv.Key] = kv.Value;
            return t;
        }

        static List<object> Strings(string[] values)
        {
            var list = new List<object>();
            foreach (string s in values)
                list.Add(s);
            return list;
        }

        static object HandTree(HandMessage hand)
        {
            if (hand == null)
                return null;
            return new Dictionary<string, object>(StringComparer.Ordinal)
            {
                { "image", Block(hand.Image, Protocol.HandLandmarks) },
                { "world", Block(hand.World, Protocol.HandLandmarks) },
                { "score", hand.Score },
            };
        }

        static object Block(float[] block, int landmarks = Protocol.Landmarks)
        {
            if (block == null)
                return null;
            var rows = new List<object>();
            for (int i = 0; i < landmarks; i++)
            {
                var row = new List<object>();
                for (int j = 0; j < Protocol.Fields; j++)
                    row.Add((double)block[i * Protocol.Fields + j]);
                rows.Add(row);
            }
            return rows;
        }

        static bool IsNumber(object o)
        {
            return o is long || o is ulong || o is double || o is int || o is float;
        }

        /// <summary>Null when equal, else the path and values of the first difference.</summary>
        public static string Difference(object expected, object actual, string path = "$")
        {
            if (expected == null || actual == null)
                return expected == null && actual == null ? null : path + ": expected " + Show(expected) + ", got " + Show(actual);
            if (IsNumber(expected) && IsNumber(actual))
            {
                bool equal;
                if (expected is double || actual is double || expected is float || actual is float)
                    equal = Convert.ToDouble(expected, CultureInfo.InvariantCulture) == Convert.ToDouble(actual, CultureInfo.InvariantCulture);
                else
                    equal = Convert.ToDecimal(expected, CultureInfo.InvariantCulture) == Convert.ToDecimal(actual, CultureInfo.InvariantCulture);
                return equal ? null : path + ": expected " + Show(expected) + ", got " + Show(actual);
            }
            var em = expected as Dictionary<string, object>;
            var am = actual as Dictionary<string, object>;
            if (em != null || am != null)
            {
                if (em == null || am == null)
                    return path + ": expected " + Show(expected) + ", got " + Show(actual);
                foreach (string key in em.Keys)
                    if (!am.ContainsKey(key))
                        return path + "." + key + ": missing";
                foreach (string key in am.Keys)
                    if (!em.ContainsKey(key))
                        return path + "." + key + ": unexpected";
                foreach (KeyValuePair<string, object> kv in em)
                {
                    string d = Difference(kv.Value, am[kv.Key], path + "." + kv.Key);
                    if (d != null)
                        return d;
                }
                return null;
            }
            var el = expected as List<object>;
            var al = actual as List<object>;
            if (el != null || al != null)
            {
                if (el == null || al == null || el.Count != al.Count)
                    return path + ": expected " + Show(expected) + ", got " + Show(actual);
                for (int i = 0; i < el.Count; i++)
                {
                    string d = Difference(el[i], al[i], path + "[" + i + "]");
                    if (d != null)
                        return d;
                }
                return null;
            }
            return expected.Equals(actual) ? null : path + ": expected " + Show(expected) + ", got " + Show(actual);
        }

        static string Show(object o)
        {
            if (o == null) return "null";
            if (o is double) return ((double)o).ToString("R", CultureInfo.InvariantCulture);
            if (o is string) return "'" + o + "'";
            var l = o as List<object>;
            if (l != null) return "list[" + l.Count + "]";
            if (o is Dictionary<string, object>) return "map";
            return o + " (" + o.GetType().Name + ")";
        }

        public static byte[] FromHex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = byte.Parse(hex.Substring(2 * i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return bytes;
        }

        public static string ToHex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
                sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}

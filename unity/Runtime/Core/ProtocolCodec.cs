using System;
using System.Collections.Generic;
using System.Text;

namespace PoseBridge
{
    /// <summary>
    /// Decodes protocol v1 messages (msgpack bytes or JSON text) and encodes the client's control
    /// messages, byte for byte as the reference implementation (bridge/protocol.py) does.
    /// </summary>
    /// <remarks>
    /// Liberal where the meaning is unambiguous: any integer width, float32 or float64, keys in any
    /// order, unknown keys ignored, unknown message types returned as <see cref="UnknownMessage"/>, a
    /// landmark block as a <c>bin</c> or as 33 arrays of 5 numbers in either encoding. Strict otherwise:
    /// every violation throws <see cref="ProtocolException"/> with the spec's error code, the same
    /// code the Python codec reports (the shared test vectors check this).
    /// </remarks>
    public static class ProtocolCodec
    {
        // ------------------------------------------------------------------ decoding

        /// <summary>Decode a binary (msgpack) message.</summary>
        public static Message Decode(byte[] data)
        {
            if (data == null)
                throw new ArgumentNullException("data");
            return Decode(data, 0, data.Length);
        }

        public static Message Decode(byte[] data, int offset, int count)
        {
            return DecodeObject(MsgPackReader.Read(data, offset, count));
        }

        /// <summary>Decode a text (JSON) message.</summary>
        public static Message Decode(string text)
        {
            if (text == null)
                throw new ArgumentNullException("text");
            return DecodeObject(JsonReader.Read(text));
        }

        /// <summary>Decode an already parsed message (the output of <see cref="MsgPackReader"/> or <see cref="JsonReader"/>).</summary>
        public static Message DecodeObject(object parsed)
        {
            var obj = parsed as Dictionary<string, object>;
            if (obj == null)
                throw Bad("a message must be a map/object, got " + TypeName(parsed));
            object kindObj;
            obj.TryGetValue("type", out kindObj);
            var kind = kindObj as string;
            if (kind == null)
                throw Bad("message has no string field 'type'");
            switch (kind)
            {
                case "frame": return DecodeFrame(obj);
                case "control": return DecodeControl(obj);
                case "hello": return DecodeHello(obj);
                case "end":
                {
                    var end = new EndMessage { Frames = Int(obj, "end", "frames") };
                    string reason = (string)Get(obj, "end", "reason", Kind.String, true);
                    end.Reason = string.IsNullOrEmpty(reason) ? "eof" : reason;
                    return end;
                }
                case "error":
                    return new ErrorMessage
                    {
                        Code = (string)Get(obj, "error", "code", Kind.String, false),
                        Text = (string)Get(obj, "error", "message", Kind.String, false),
                    };
                case "pong":
                    return new PongMessage { ClientNs = Ns(obj, "pong", "client_ns"), ServerNs = Ns(obj, "pong", "server_ns") };
                case "state":
                    return new StateMessage
                    {
                        Paused = (bool)Get(obj, "state", "paused", Kind.Bool, false),
                        Speed = Speed(obj, "state"),
                        Position = Int(obj, "state", "position"),
                        Frames = OptInt(obj, "state", "frames"),
                    };
                default:
                    var fields = new Dictionary<string, object>(obj, StringComparer.Ordinal);
                    fields.Remove("type");
                    return new UnknownMessage(kind, fields);
            }
        }

        enum Kind
        {
            String,
            Bool,
            Int,
            Number,
            List,
            Map,
        }

        static ProtocolException Bad(string message)
        {
            return new ProtocolException(message, ProtocolException.BadMessage);
        }

        static ProtocolException BadValue(string message)
        {
            return new ProtocolException(message, ProtocolException.BadValue);
        }

        static string TypeName(object value)
        {
            if (value == null) return "null";
            if (value is string) return "string";
            if (value is bool) return "bool";
            if (value is long || value is ulong) return "int";
            if (value is double) return "float";
            if (value is byte[]) return "bytes";
            if (value is List<object>) return "list";
            if (value is Dictionary<string, object>) return "map";
            return value.GetType().Name;
        }

        static bool IsKind(object value, Kind kind)
        {
            switch (kind)
            {
                case Kind.String: return value is string;
                case Kind.Bool: return value is bool;
                case Kind.Int: return value is long || value is ulong;
                case Kind.Number: return value is long || value is ulong || value is double;
                case Kind.List: return value is List<object>;
                default: return value is Dictionary<string, object>;
            }
        }

        static string KindName(Kind kind)
        {
            switch (kind)
            {
                case Kind.String: return "str";
                case Kind.Bool: return "bool";
                case Kind.Int: return "int";
                case Kind.Number: return "int or float";
                case Kind.List: return "list";
                default: return "dict";
            }
        }

        /// <summary>A field of the given kind; missing: bad_message (or null when optional); mistyped: bad_value.</summary>
        static object Get(Dictionary<string, object> obj, string where, string key, Kind kind, bool optional)
        {
            object value;
            if (!obj.TryGetValue(key, out value))
            {
                if (optional)
                    return null;
                throw Bad(where + ": missing field '" + key + "'");
            }
            if (value == null && optional)
                return null;
            if (!IsKind(value, kind))
                throw BadValue(where + ": field '" + key + "' must be " + KindName(kind) + ", got " + TypeName(value));
            return value;
        }

        static long? OptInt(Dictionary<string, object> obj, string where, string key)
        {
            object v = Get(obj, where, key, Kind.Int, true);
            if (v == null)
                return null;
            return CheckInt(v, where, key);
        }

        static long Int(Dictionary<string, object> obj, string where, string key)
        {
            return CheckInt(Get(obj, where, key, Kind.Int, false), where, key);
        }

        static long CheckInt(object v, string where, string key)
        {
            if (v is ulong)
                throw BadValue(where + ": field '" + key + "' is too large for this client, got " + v);
            long l = (long)v;
            if (l < 0)
                throw BadValue(where + ": field '" + key + "' must be >= 0, got " + l);
            return l;
        }

        static ulong Ns(Dictionary<string, object> obj, string where, string key)
        {
            object v = Get(obj, where, key, Kind.Int, false);
            if (v is ulong)
                return (ulong)v;
            long l = (long)v;
            if (l < 0)
                throw BadValue(where + ": field '" + key + "' must be >= 0, got " + l);
            return (ulong)l;
        }

        static double ToDouble(object v)
        {
            if (v is long) return (long)v;
            if (v is ulong) return (ulong)v;
            return (double)v;
        }

        static double? Float(Dictionary<string, object> obj, string where, string key, bool optional)
        {
            object v = Get(obj, where, key, Kind.Number, optional);
            if (v == null)
                return null;
            double d = ToDouble(v);
            if (double.IsNaN(d) || double.IsInfinity(d))
                throw BadValue(where + ": field '" + key + "' must be finite, got " + d);
            return d;
        }

        static double? Speed(Dictionary<string, object> obj, string where)
        {
            object v;
            obj.TryGetValue("speed", out v);
            if (v is string && (string)v == "max")
                return null;
            if (v is long || v is ulong || v is double)
            {
                double d = ToDouble(v);
                if (d > 0 && !double.IsInfinity(d))
                    return d;
            }
            throw BadValue(where + ": field 'speed' must be a number > 0 or \"max\", got " + (v == null ? "null" : v.ToString()));
        }

        static float[] Block(Dictionary<string, object> obj, string where, string key)
        {
            return Block(obj, where, key, Protocol.Landmarks);
        }

        /// <summary>A block of <paramref name="landmarks"/> rows (33 for a body, 21 for a hand), or null.</summary>
        static float[] Block(Dictionary<string, object> obj, string where, string key, int landmarks)
        {
            object value;
            if (!obj.TryGetValue(key, out value) || value == null)
                return null;
            int length = landmarks * Protocol.Fields;
            var bytes = value as byte[];
            if (bytes != null)
            {
                if (bytes.Length != length * 4)
                    throw Bad(where + ": field '" + key + "' must be " + (length * 4) + " bytes (" + landmarks + "x5 float32), got " + bytes.Length);
                return LittleEndianFloats(bytes);
            }
            var rows = value as List<object>;
            if (rows != null)
            {
                string shape = where + ": field '" + key + "' must be " + landmarks + " rows of 5 numbers";
                if (rows.Count != landmarks)
                    throw Bad(shape + ", got " + rows.Count + " rows");
                var block = new float[length];
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i] as List<object>;
                    if (row == null || row.Count != Protocol.Fields)
                        throw Bad(shape + " (row " + i + ")");
                    for (int j = 0; j < Protocol.Fields; j++)
                    {
                        object v = row[j];
                        if (!(v is long || v is ulong || v is double))
                            throw Bad(shape + " (row " + i + ")");
                        block[i * Protocol.Fields + j] = (float)ToDouble(v);
                    }
                }
                return block;
            }
            throw BadValue(where + ": field '" + key + "' must be a landmark block or null, got " + TypeName(value));
        }

        /// <summary>A bin payload of little-endian float32 (its length a multiple of 4), on any machine.</summary>
        static float[] LittleEndianFloats(byte[] bytes)
        {
            var values = new float[bytes.Length / 4];
            if (BitConverter.IsLittleEndian)
                Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
            else
            {
                var tmp = new byte[4];
                for (int i = 0; i < values.Length; i++)
                {
                    for (int j = 0; j < 4; j++)
                        tmp[j] = bytes[i * 4 + 3 - j];
                    values[i] = BitConverter.ToSingle(tmp, 0);
                }
            }
            return values;
        }

        /// <summary>left_hand / right_hand (protocol/SPEC.md §4c): null, or a map of image and world hand blocks and a score.</summary>
        static HandMessage Hand(Dictionary<string, object> obj, string where, string key)
        {
            object value;
            if (!obj.TryGetValue(key, out value) || value == null)
                return null;
            var map = value as Dictionary<string, object>;
            if (map == null)
                throw BadValue(where + ": field '" + key + "' must be a hand map or null, got " + TypeName(value));
            string wh = where + "." + key;
            double score = Float(map, wh, "score", false).Value;
            if (score < 0 || score > 1)
                throw BadValue(wh + ": field 'score' must be in [0, 1], got " + score.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new HandMessage
            {
                Image = Block(map, wh, "image", Protocol.HandLandmarks),
                World = Block(map, wh, "world", Protocol.HandLandmarks),
                Score = score,
            };
        }

        /// <summary>frame.humanoid: a bin of (3 + 4·N) little-endian float32, or [[x, y, z], [x, y, z, w] × N].</summary>
        static float[] Humanoid(Dictionary<string, object> obj, string where)
        {
            object value;
            if (!obj.TryGetValue("humanoid", out value) || value == null)
                return null;
            string shape = where + ": field 'humanoid' must be the hips [x, y, z] and N rotations [x, y, z, w]";
            float[] result;
            var bytes = value as byte[];
            var rows = value as List<object>;
            if (bytes != null)
            {
                int n = bytes.Length;
                if (n < 12 || n % 4 != 0 || (n / 4 - 3) % 4 != 0)
                    throw Bad(shape + ": (3 + 4*N) float32, got " + n + " bytes");
                result = LittleEndianFloats(bytes);
            }
            else if (rows != null)
            {
                if (rows.Count == 0)
                    throw Bad(shape);
                result = new float[3 + 4 * (rows.Count - 1)];
                int k = 0;
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i] as List<object>;
                    if (row == null || row.Count != (i == 0 ? 3 : 4))
                        throw Bad(shape + ": rows of 3, then 4 numbers");
                    foreach (object v in row)
                    {
                        if (!(v is long || v is ulong || v is double))
                            throw Bad(shape + ": rows of numbers");
                        result[k++] = (float)ToDouble(v);
                    }
                }
            }
            else
                throw BadValue(where + ": field 'humanoid' must be a bin or a list, got " + TypeName(value));
            foreach (float f in result)
                if (float.IsNaN(f) || float.IsInfinity(f))
                    throw BadValue(where + ": field 'humanoid' must be finite");
            return result;
        }

        /// <summary>contacts (SPEC §4d): [left, right] booleans beside a humanoid; null when absent.</summary>
        static bool[] Contacts(Dictionary<string, object> obj, string where)
        {
            object value;
            if (!obj.TryGetValue("contacts", out value) || value == null)
                return null;
            var list = value as List<object>;
            if (list == null || list.Count != 2 || !(list[0] is bool) || !(list[1] is bool))
                throw BadValue(where + ": field 'contacts' must be [left, right] booleans");
            return new[] { (bool)list[0], (bool)list[1] };
        }

        static string[] StrList(Dictionary<string, object> obj, string where, string key)
        {
            var list = (List<object>)Get(obj, where, key, Kind.List, false);
            var result = new string[list.Count];
            for (int i = 0; i < list.Count; i++)
            {
                result[i] = list[i] as string;
                if (result[i] == null)
                    throw BadValue(where + ": field '" + key + "' must be a list of strings");
            }
            return result;
        }

        static HelloMessage DecodeHello(Dictionary<string, object> obj)
        {
            const string w = "hello";
            var src = (Dictionary<string, object>)Get(obj, w, "source", Kind.Map, false);
            const string ws = "hello.source";
            var source = new SourceInfo();
            if (src.ContainsKey("coords"))
                source.Coords = StrList(src, ws, "coords");
            source.Kind = (string)Get(src, ws, "kind", Kind.String, false);
            source.Name = (string)Get(src, ws, "name", Kind.String, false);
            source.Fps = Float(src, ws, "fps", true);
            source.Width = OptInt(src, ws, "width");
            source.Height = OptInt(src, ws, "height");
            source.Frames = OptInt(src, ws, "frames");
            object loop = Get(src, ws, "loop", Kind.Bool, true);
            source.Loop = loop != null && (bool)loop;
            object replay = Get(src, ws, "replay", Kind.Bool, true);
            source.Replay = replay != null && (bool)replay;

            var bonesRaw = (List<object>)Get(obj, w, "bones", Kind.List, false);
            var bones = new int[bonesRaw.Count][];
            for (int i = 0; i < bonesRaw.Count; i++)
            {
                var pair = bonesRaw[i] as List<object>;
                if (pair == null || pair.Count != 2 || !(pair[0] is long) || !(pair[1] is long))
                    throw BadValue("hello: field 'bones' must be a list of [from, to] index pairs");
                long a = (long)pair[0], b = (long)pair[1];
                if (a < int.MinValue || a > int.MaxValue || b < int.MinValue || b > int.MaxValue)
                    throw BadValue("hello: a bone refers to a landmark index out of range");
                bones[i] = new[] { (int)a, (int)b };
            }
            string[] landmarks = StrList(obj, w, "landmarks");
            foreach (int[] bone in bones)
                if (bone[0] < 0 || bone[0] >= landmarks.Length || bone[1] < 0 || bone[1] >= landmarks.Length)
                    throw BadValue("hello: a bone refers to a landmark index out of range");
            var hello = new HelloMessage
            {
                Source = source,
                Server = (string)Get(obj, w, "server", Kind.String, false),
                Landmarks = landmarks,
                Bones = bones,
            };
            hello.Protocol = Int(obj, w, "protocol");
            if (hello.Protocol < 1)
                throw BadValue("hello: field 'protocol' must be >= 1, got " + hello.Protocol);
            hello.Fields = StrList(obj, w, "fields");
            if (obj.ContainsKey("sides"))
                hello.Sides = StrList(obj, w, "sides");
            if (obj.ContainsKey("angles"))
                hello.Angles = StrList(obj, w, "angles");
            if (obj.ContainsKey("humanoid_bones"))
                hello.HumanoidBones = StrList(obj, w, "humanoid_bones");
            if (obj.ContainsKey("max_people"))
            {
                hello.MaxPeople = Int(obj, w, "max_people");
                if (hello.MaxPeople < 1)
                    throw BadValue("hello: field 'max_people' must be >= 1, got " + hello.MaxPeople);
            }
            if (obj.ContainsKey("root_motion"))
                hello.RootMotion = (string)Get(obj, w, "root_motion", Kind.String, false);
            if (obj.ContainsKey("hand_landmarks"))
                hello.HandLandmarks = StrList(obj, w, "hand_landmarks");
            if (obj.ContainsKey("hand_bones"))
                hello.HandBones = IndexPairs(obj, "hand_bones", hello.HandLandmarks.Length);
            return hello;
        }

        /// <summary>hello.hand_bones: [from, to] pairs, each index &lt; <paramref name="count"/>.</summary>
        static int[][] IndexPairs(Dictionary<string, object> obj, string key, int count)
        {
            var raw = (List<object>)Get(obj, "hello", key, Kind.List, false);
            var pairs = new int[raw.Count][];
            for (int i = 0; i < raw.Count; i++)
            {
                var pair = raw[i] as List<object>;
                if (pair == null || pair.Count != 2 || !(pair[0] is long) || !(pair[1] is long))
                    throw BadValue("hello: field '" + key + "' must be a list of [from, to] index pairs");
                long a = (long)pair[0], b = (long)pair[1];
                if (a < 0 || a >= count || b < 0 || b >= count)
                    throw BadValue("hello: a bone of '" + key + "' refers to a landmark index out of range");
                pairs[i] = new[] { (int)a, (int)b };
            }
            return pairs;
        }

        static Dictionary<string, double?> Angles(Dictionary<string, object> obj, string where)
        {
            var anglesRaw = (Dictionary<string, object>)Get(obj, where, "angles", Kind.Map, true);
            if (anglesRaw == null)
                return null;
            var angles = new Dictionary<string, double?>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, object> kv in anglesRaw)
            {
                object v = kv.Value;
                if (v == null)
                    angles[kv.Key] = null;
                else if (v is long || v is ulong || v is double)
                    angles[kv.Key] = ToDouble(v);
                else
                    throw BadValue(where + ": field 'angles' must map names to numbers or null");
            }
            return angles;
        }

        /// <summary>frame.people: persons ordered by id, each id once; null when the frame has none.</summary>
        static List<PersonMessage> People(Dictionary<string, object> obj, string where)
        {
            var raw = (List<object>)Get(obj, where, "people", Kind.List, true);
            if (raw == null)
                return null;
            var people = new List<PersonMessage>(raw.Count);
            for (int i = 0; i < raw.Count; i++)
            {
                string wp = where + ".people[" + i + "]";
                var item = raw[i] as Dictionary<string, object>;
                if (item == null)
                    throw BadValue(wp + ": a person must be a map, got " + TypeName(raw[i]));
                var person = new PersonMessage { Id = Int(item, wp, "id") };
                object root;
                if (item.TryGetValue("root", out root) && root != null)
                {
                    var values = root as List<object>;
                    if (values == null || values.Count != 3)
                        throw BadValue(wp + ": field 'root' must be 3 finite numbers or null");
                    person.Root = new double[3];
                    for (int k = 0; k < 3; k++)
                    {
                        object v = values[k];
                        if (!(v is long || v is ulong || v is double))
                            throw BadValue(wp + ": field 'root' must be 3 finite numbers or null");
                        double d = ToDouble(v);
                        if (double.IsNaN(d) || double.IsInfinity(d))
                            throw BadValue(wp + ": field 'root' must be 3 finite numbers or null");
                        person.Root[k] = d;
                    }
                }
                person.Image = Block(item, wp, "image");
                person.World = Block(item, wp, "world");
                person.Angles = Angles(item, wp);
                person.Humanoid = Humanoid(item, wp);
                person.Contacts = person.Humanoid == null ? null : Contacts(item, wp);
                person.LeftHand = Hand(item, wp, "left_hand");
                person.RightHand = Hand(item, wp, "right_hand");
                if (people.Count > 0 && person.Id <= people[people.Count - 1].Id)
                    throw BadValue(where + ": 'people' must be ordered by id, each id once");
                people.Add(person);
            }
            return people;
        }

        static FrameMessage DecodeFrame(Dictionary<string, object> obj)
        {
            const string w = "frame";
            var angles = Angles(obj, w);
            var frame = new FrameMessage();
            frame.Seq = Int(obj, w, "seq");
            frame.T = Float(obj, w, "t", false).Value;
            frame.CapturedNs = Ns(obj, w, "captured_ns");
            frame.Image = Block(obj, w, "image");
            frame.World = Block(obj, w, "world");
            frame.Angles = angles;
            frame.Humanoid = Humanoid(obj, w);
            frame.Contacts = frame.Humanoid == null ? null : Contacts(obj, w);
            frame.People = People(obj, w);
            frame.LeftHand = Hand(obj, w, "left_hand");
            frame.RightHand = Hand(obj, w, "right_hand");
            frame.HasHands = obj.ContainsKey("left_hand") || obj.ContainsKey("right_hand");
            if (!frame.HasHands && frame.People != null)
                foreach (object p in (List<object>)obj["people"])
                {
                    var map = (Dictionary<string, object>)p;
                    if (map.ContainsKey("left_hand") || map.ContainsKey("right_hand"))
                        frame.HasHands = true;
                }
            frame.SentNs = Ns(obj, w, "sent_ns");
            return frame;
        }

        static ControlMessage DecodeControl(Dictionary<string, object> obj)
        {
            string op = (string)Get(obj, "control", "op", Kind.String, false);
            string w = "control '" + op + "'";
            switch (op)
            {
                case "ping": return ControlMessage.Ping(Ns(obj, w, "client_ns"));
                case "pause": return ControlMessage.Pause();
                case "resume": return ControlMessage.Resume();
                case "seek": return ControlMessage.Seek(Int(obj, w, "frame"));
                case "speed": return ControlMessage.SetSpeed(Speed(obj, w));
                default:
                    throw new ProtocolException(
                        "control: unknown op '" + op + "' (known: ping, pause, resume, seek, speed)", ProtocolException.UnknownOp);
            }
        }

        // ------------------------------------------------------------------ encoding (client → server)

        /// <summary>A control message as msgpack, exactly as the reference codec writes it.</summary>
        public static byte[] EncodeMsgPack(ControlMessage message)
        {
            var w = new MsgPackWriter();
            switch (message.Op)
            {
                case ControlOp.Pause:
                case ControlOp.Resume:
                    w.WriteMapHeader(2);
                    w.WriteString("type").WriteString("control").WriteString("op").WriteString(message.OpName);
                    break;
                case ControlOp.Ping:
                    w.WriteMapHeader(3);
                    w.WriteString("type").WriteString("control").WriteString("op").WriteString("ping");
                    w.WriteString("client_ns").WriteUInt64(message.ClientNs);
                    break;
                case ControlOp.Seek:
                    w.WriteMapHeader(3);
                    w.WriteString("type").WriteString("control").WriteString("op").WriteString("seek");
                    w.WriteString("frame").WriteInt(message.Frame);
                    break;
                default:
                    w.WriteMapHeader(3);
                    w.WriteString("type").WriteString("control").WriteString("op").WriteString("speed");
                    w.WriteString("speed");
                    if (message.Speed.HasValue)
                        w.WriteDouble(message.Speed.Value);
                    else
                        w.WriteString("max");
                    break;
            }
            return w.ToArray();
        }

        /// <summary>A control message as JSON text, exactly as the reference codec writes it.</summary>
        public static string EncodeJson(ControlMessage message)
        {
            var sb = new StringBuilder("{\"type\":\"control\",\"op\":");
            sb.Append(JsonWriter.Quote(message.OpName));
            switch (message.Op)
            {
                case ControlOp.Ping:
                    sb.Append(",\"client_ns\":").Append(message.ClientNs.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case ControlOp.Seek:
                    sb.Append(",\"frame\":").Append(message.Frame.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case ControlOp.Speed:
                    sb.Append(",\"speed\":").Append(message.Speed.HasValue ? JsonWriter.Number(message.Speed.Value) : "\"max\"");
                    break;
            }
            sb.Append('}');
            return sb.ToString();
        }
    }
}

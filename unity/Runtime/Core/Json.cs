using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PoseBridge
{
    /// <summary>
    /// A small, strict JSON reader (RFC 8259) into the same plain objects as <see cref="MsgPackReader"/>:
    /// objects become <c>Dictionary&lt;string, object&gt;</c>, arrays <c>List&lt;object&gt;</c>; numbers
    /// without fraction or exponent become <c>long</c> (or <c>ulong</c> above long.MaxValue, or
    /// <c>double</c> beyond that), others <c>double</c>.
    /// </summary>
    /// <remarks>
    /// Rejects (with <see cref="ProtocolException"/>, code <c>bad_message</c>) what Python's
    /// <c>json.loads</c> rejects for protocol v1: <c>NaN</c>/<c>Infinity</c>, single quotes, trailing
    /// commas, control characters inside strings, text after the value. Numbers too large for a
    /// double become infinities (the protocol decoder then rejects them as not finite). Parsing is
    /// culture-independent.
    /// </remarks>
    public static class JsonReader
    {
        public const int MaxDepth = 64;

        public static object Read(string text)
        {
            if (text == null)
                throw new ArgumentNullException("text");
            int pos = 0;
            SkipWhitespace(text, ref pos);
            object value = ReadValue(text, ref pos, 0);
            SkipWhitespace(text, ref pos);
            if (pos != text.Length)
                throw Error("extra data", pos);
            return value;
        }

        static ProtocolException Error(string what, int pos)
        {
            return new ProtocolException("not valid JSON: " + what + " at char " + pos);
        }

        static void SkipWhitespace(string s, ref int pos)
        {
            while (pos < s.Length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
                pos++;
        }

        static object ReadValue(string s, ref int pos, int depth)
        {
            if (depth > MaxDepth)
                throw Error("nested deeper than " + MaxDepth, pos);
            if (pos >= s.Length)
                throw Error("expecting value", pos);
            char c = s[pos];
            if (c == '{')
                return ReadObject(s, ref pos, depth);
            if (c == '[')
                return ReadArray(s, ref pos, depth);
            if (c == '"')
                return ReadString(s, ref pos);
            if (c == '-' || (c >= '0' && c <= '9'))
                return ReadNumber(s, ref pos);
            if (Literal(s, ref pos, "true"))
                return true;
            if (Literal(s, ref pos, "false"))
                return false;
            if (Literal(s, ref pos, "null"))
                return null;
            throw Error("expecting value", pos);
        }

        static bool Literal(string s, ref int pos, string word)
        {
            if (string.CompareOrdinal(s, pos, word, 0, word.Length) != 0)
                return false;
            pos += word.Length;
            return true;
        }

        static Dictionary<string, object> ReadObject(string s, ref int pos, int depth)
        {
            var map = new Dictionary<string, object>(StringComparer.Ordinal);
            pos++; // {
            SkipWhitespace(s, ref pos);
            if (pos < s.Length && s[pos] == '}')
            {
                pos++;
                return map;
            }
            while (true)
            {
                SkipWhitespace(s, ref pos);
                if (pos >= s.Length || s[pos] != '"')
                    throw Error("expecting property name enclosed in double quotes", pos);
                string key = ReadString(s, ref pos);
                SkipWhitespace(s, ref pos);
                if (pos >= s.Length || s[pos] != ':')
                    throw Error("expecting ':' delimiter", pos);
                pos++;
                SkipWhitespace(s, ref pos);
                map[key] = ReadValue(s, ref pos, depth + 1);
                SkipWhitespace(s, ref pos);
                if (pos < s.Length && s[pos] == ',')
                {
                    pos++;
                    continue;
                }
                if (pos < s.Length && s[pos] == '}')
                {
                    pos++;
                    return map;
                }
                throw Error("expecting ',' delimiter", pos);
            }
        }

        static List<object> ReadArray(string s, ref int pos, int depth)
        {
            var list = new List<object>();
            pos++; // [
            SkipWhitespace(s, ref pos);
            if (pos < s.Length && s[pos] == ']')
            {
                pos++;
                return list;
            }
            while (true)
            {
                SkipWhitespace(s, ref pos);
                list.Add(ReadValue(s, ref pos, depth + 1));
                SkipWhitespace(s, ref pos);
                if (pos < s.Length && s[pos] == ',')
                {
                    pos++;
                    continue;
                }
                if (pos < s.Length && s[pos] == ']')
                {
                    pos++;
                    return list;
                }
                throw Error("expecting ',' delimiter", pos);
            }
        }

        static string ReadString(string s, ref int pos)
        {
            int start = pos;
            pos++; // "
            StringBuilder sb = null;
            int runStart = pos;
            while (true)
            {
                if (pos >= s.Length)
                    throw Error("unterminated string", start);
                char c = s[pos];
                if (c == '"')
                {
                    string result;
                    if (sb == null)
                        result = s.Substring(runStart, pos - runStart);
                    else
                    {
                        sb.Append(s, runStart, pos - runStart);
                        result = sb.ToString();
                    }
                    pos++;
                    return result;
                }
                if (c < 0x20)
                    throw Error("invalid control character in string", pos);
                if (c != '\\')
                {
                    pos++;
                    continue;
                }
                if (sb == null)
                    sb = new StringBuilder();
                sb.Append(s, runStart, pos - runStart);
                pos++;
                if (pos >= s.Length)
                    throw Error("unterminated string", start);
                char e = s[pos++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (pos + 4 > s.Length)
                            throw Error("invalid \\uXXXX escape", pos);
                        int code;
                        if (!int.TryParse(s.Substring(pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                            throw Error("invalid \\uXXXX escape", pos);
                        sb.Append((char)code);
                        pos += 4;
                        break;
                    default:
                        throw Error("invalid escape", pos - 1);
                }
                runStart = pos;
            }
        }

        static object ReadNumber(string s, ref int pos)
        {
            int start = pos;
            if (s[pos] == '-')
                pos++;
            if (pos >= s.Length || s[pos] < '0' || s[pos] > '9')
                throw Error("expecting value", start);
            if (s[pos] == '0')
                pos++;
            else
                while (pos < s.Length && s[pos] >= '0' && s[pos] <= '9')
                    pos++;
            bool integer = true;
            if (pos < s.Length && s[pos] == '.' && pos + 1 < s.Length && s[pos + 1] >= '0' && s[pos + 1] <= '9')
            {
                integer = false;
                pos++;
                while (pos < s.Length && s[pos] >= '0' && s[pos] <= '9')
                    pos++;
            }
            if (pos < s.Length && (s[pos] == 'e' || s[pos] == 'E'))
            {
                int mark = pos;
                pos++;
                if (pos < s.Length && (s[pos] == '+' || s[pos] == '-'))
                    pos++;
                if (pos < s.Length && s[pos] >= '0' && s[pos] <= '9')
                {
                    integer = false;
                    while (pos < s.Length && s[pos] >= '0' && s[pos] <= '9')
                        pos++;
                }
                else
                    pos = mark; // not an exponent: the number ends before 'e' (and the caller fails)
            }
            string token = s.Substring(start, pos - start);
            if (integer)
            {
                long l;
                if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l))
                    return l;
                ulong u;
                if (ulong.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out u))
                    return u;
            }
            return ParseDouble(token);
        }

        /// <summary>Culture-independent, correctly rounded double parsing; overflow gives an infinity (as Python does).</summary>
        public static double ParseDouble(string token)
        {
            return Numbers.Parse(token);
        }
    }

    /// <summary>Writes the few JSON values protocol v1 clients send (control messages).</summary>
    public static class JsonWriter
    {
        /// <summary>A JSON string literal, escaped as Python's <c>json.dumps(..., ensure_ascii=False)</c> does.</summary>
        public static string Quote(string value)
        {
            var sb = new StringBuilder(value.Length + 2);
            sb.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        if (c < 0x20)
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
            return sb.ToString();
        }

        /// <summary>A finite double as Python's <c>repr</c> writes it (what the server's JSON encoder emits).</summary>
        public static string Number(double value)
        {
            return Numbers.PythonRepr(value);
        }
    }
}

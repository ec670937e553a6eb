using System.Globalization;
using System.IO;

namespace PoseBridge
{
    /// <summary>What a status line shows of a <see cref="PoseClient"/>, read once (the client changes on its thread).</summary>
    public struct ClientSnapshot
    {
        public ClientStatus Status;
        /// <summary>The URL as the user wrote it (shown as is).</summary>
        public string Url;
        public string LastError;
        public double Fps;
        /// <summary>NaN when unknown.</summary>
        public double LatencyMs;
        /// <summary>NaN before the first pong.</summary>
        public double RoundTripMs;
        /// <summary>Null before the first hello.</summary>
        public HelloMessage Hello;
        /// <summary>Null unless the stream ended.</summary>
        public EndMessage End;

        /// <summary>The client's state now; <paramref name="url"/> is what the status shows as its address.</summary>
        public static ClientSnapshot Of(PoseClient client, string url)
        {
            return new ClientSnapshot
            {
                Status = client.Status,
                Url = url,
                LastError = client.LastError,
                Fps = client.Fps,
                LatencyMs = client.LatencyMs,
                RoundTripMs = client.RoundTripMs,
                Hello = client.Hello,
                End = client.End,
            };
        }
    }

    /// <summary>
    /// The on-screen status text of the Unity components (<c>PoseStatus</c>, <c>Show_Skeleton.StatusText()</c>):
    /// pure functions of what they show, numbers in the invariant culture.
    /// </summary>
    public static class PoseStatusText
    {
        public const string Idle = "pose-bridge: idle";

        /// <summary><c>pose-bridge: PROBLEM</c> (a connection that cannot start, a txt file that cannot be read).</summary>
        public static string Problem(string problem)
        {
            return "pose-bridge: " + problem;
        }

        /// <summary>
        /// Three lines (four while not connected with an error to show): status and URL [last error], fps,
        /// latency and ping ("-" while unknown), the source (and how it ended), then the frame shown, whether
        /// someone is detected and an optional <paramref name="hint"/> in parentheses.
        /// </summary>
        public static string Live(ClientSnapshot link, long shownFrame, bool detected, string hint)
        {
            CultureInfo ci = CultureInfo.InvariantCulture;
            string line1 = string.Format(ci, "pose-bridge {0}  {1}", link.Status, link.Url);
            if (link.Status != ClientStatus.Connected && link.LastError != null)
                line1 += "\n" + link.LastError;
            string latency = double.IsNaN(link.LatencyMs) ? "-" : link.LatencyMs.ToString("0", ci) + " ms";
            string rtt = double.IsNaN(link.RoundTripMs) ? "-" : link.RoundTripMs.ToString("0.0", ci) + " ms";
            string source = link.Hello != null && link.Hello.Source != null
                ? link.Hello.Source.Kind + " " + link.Hello.Source.Name
                : "";
            if (link.End != null)
                source += string.Format(ci, " (ended: {0}, {1} frames)", link.End.Reason, link.End.Frames);
            return line1 + string.Format(ci, "\n{0:0.0} fps  latency {1}  ping {2}  {3}\nframe {4}  detected: {5}{6}",
                link.Fps, latency, rtt, source, shownFrame, detected ? "yes" : "no", hint == null ? "" : "  (" + hint + ")");
        }

        /// <summary>Two lines: the file's name (without its folder), then the frame shown of how many, detected or not.</summary>
        public static string Txt(string fileName, long shownFrame, int frames, bool detected)
        {
            return string.Format(CultureInfo.InvariantCulture, "pose-bridge txt: {0}\nframe {1} of {2}  detected: {3}",
                Path.GetFileName(fileName ?? ""), shownFrame, frames, detected ? "yes" : "no");
        }
    }
}

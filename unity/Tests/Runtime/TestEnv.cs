using System;
using System.IO;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// Where the tests find the repository (protocol vectors, the Python server). In CI
    /// (tests/csharp/run.sh sets POSE_BRIDGE_CI=1) a missing file is a failure; in Unity's Test Runner,
    /// where the package may be installed without the repository, such tests are ignored instead.
    /// </summary>
    public static class TestEnv
    {
        public static bool InCi { get { return Environment.GetEnvironmentVariable("POSE_BRIDGE_CI") == "1"; } }

        /// <summary>The repository root, or null when it cannot be found.</summary>
        public static string Root
        {
            get
            {
                string env = Environment.GetEnvironmentVariable("POSE_BRIDGE_ROOT");
                if (!string.IsNullOrEmpty(env))
                    return env;
                string dir = Directory.GetCurrentDirectory();
                while (dir != null)
                {
                    if (File.Exists(Path.Combine(dir, Path.Combine("protocol", Path.Combine("vectors", "v1.json")))))
                        return dir;
                    dir = Path.GetDirectoryName(dir);
                }
                return null;
            }
        }

        /// <summary>A file of the repository; fails (CI) or ignores the test (elsewhere) when missing.</summary>
        public static string RepoFile(string relative)
        {
            string root = Root;
            string path = root == null ? null : Path.Combine(root, relative);
            if (path == null || !File.Exists(path))
                Unavailable("repository file " + relative + " not found (set POSE_BRIDGE_ROOT to the pose-bridge checkout)");
            return path;
        }

        /// <summary>A file named by an environment variable (run.sh prepares them).</summary>
        public static string EnvFile(string variable)
        {
            string path = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
                Unavailable(variable + " does not name an existing file (tests/csharp/run.sh prepares it)");
            return path;
        }

        public static void Unavailable(string why)
        {
            if (InCi)
                Assert.Fail(why);
            Assert.Ignore(why);
        }

        /// <summary>One timeout unit scaled by POSE_BRIDGE_TEST_TIMEOUT_SCALE (slow CI machines), like the Python tests.</summary>
        public static TimeSpan Timeout(double seconds)
        {
            double scale;
            string s = Environment.GetEnvironmentVariable("POSE_BRIDGE_TEST_TIMEOUT_SCALE");
            if (string.IsNullOrEmpty(s) || !double.TryParse(s, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out scale))
                scale = 1;
            return TimeSpan.FromSeconds(seconds * scale);
        }
    }
}

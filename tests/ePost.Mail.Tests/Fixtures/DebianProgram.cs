namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// The external programs the second-opinion tests run, each from the Debian package that <c>./test.sh</c> installs from
/// .ci/apt-packages. A missing one fails the test with the package to install: such a test is never skipped, and
/// never passes without having run the real program.
/// </summary>
public static class DebianProgram
{
    /// <summary>Debian's interpreter: python3-aiosmtpd installs into its dist-packages, which another python3 on PATH may not see.</summary>
    public static string Python3 => Require("/usr/bin/python3", "python3");

    /// <summary>The swaks SMTP client.</summary>
    public static string Swaks => Require("/usr/bin/swaks", "swaks");

    /// <summary>isync's mbsync IMAP synchroniser.</summary>
    public static string Mbsync => Require("/usr/bin/mbsync", "isync");

    /// <summary>Debian's Chromium browser (run headless by the dashboard tests).</summary>
    public static string Chromium => Require("/usr/bin/chromium", "chromium");

    /// <summary>Debian's python3 with the aiosmtpd module importable.</summary>
    public static string Python3WithAiosmtpd
    {
        get
        {
            var python = Python3;
            if (!Directory.Exists("/usr/lib/python3/dist-packages/aiosmtpd")) Missing("the python module aiosmtpd", "python3-aiosmtpd");
            return python;
        }
    }

    private static string Require(string path, string package)
    {
        if (!File.Exists(path)) Missing(path, package);
        return path;
    }

    private static void Missing(string what, string package) =>
        Assert.Fail($"{what} is missing: install the Debian package {package} (apt-get install {package}; ./test.sh installs every package in .ci/apt-packages)");
}

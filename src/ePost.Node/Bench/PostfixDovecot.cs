using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ePost.Node.Bench;

/// <summary>
/// A private Postfix + Dovecot (IMAP and LMTP) instance for <c>epost bench versus</c>: Debian's packages, configured in
/// a temporary directory on free loopback ports, started and stopped by the bench (the system's default instances are
/// never touched). Postfix accepts authenticated submissions (STARTTLS, SASL through Dovecot) for <see cref="Domain"/>
/// and hands them to Dovecot over LMTP; Dovecot serves the Maildirs over IMAP with STARTTLS.
/// </summary>
public sealed class PostfixDovecot : IAsyncDisposable
{
    /// <summary>The mail domain the instance accepts.</summary>
    public const string Domain = "bench.test";

    /// <summary>Every user's password.</summary>
    public const string Password = "bench-secret";

    /// <summary>The packages the bench needs, as one apt-get command.</summary>
    public const string Install = "apt-get install postfix dovecot-imapd dovecot-lmtpd";

    private static readonly (string Path, string Package)[] Needed =
    [
        ("/usr/sbin/postfix", "postfix"),
        ("/usr/sbin/dovecot", "dovecot-core"),
        ("/usr/lib/dovecot/imap", "dovecot-imapd"),
        ("/usr/lib/dovecot/lmtp", "dovecot-lmtpd"),
    ];

    private readonly string _root;
    private bool _postfixStarted;
    private bool _dovecotStarted;

    private PostfixDovecot(string root, int smtp, int imap)
    {
        _root = root;
        SmtpPort = smtp;
        ImapPort = imap;
    }

    /// <summary>Postfix's submission port (STARTTLS, AUTH PLAIN).</summary>
    public int SmtpPort { get; }

    /// <summary>Dovecot's IMAP port (STARTTLS).</summary>
    public int ImapPort { get; }

    /// <summary>The packages that are missing, empty when all are installed.</summary>
    public static IReadOnlyList<string> MissingPackages() => Needed.Where(n => !File.Exists(n.Path)).Select(n => n.Package).Distinct().ToList();

    /// <summary>Configures and starts an instance serving <paramref name="users"/> (local parts) and waits until both accept connections.</summary>
    /// <exception cref="InvalidOperationException">When a package is missing or a server does not start (with its log).</exception>
    public static async Task<PostfixDovecot> StartAsync(IReadOnlyList<string> users, CancellationToken cancel)
    {
        if (MissingPackages() is { Count: > 0 } missing)
            throw new InvalidOperationException($"Postfix+Dovecot are not installed (missing package {string.Join(", ", missing)}): run `{Install}`.");
        var root = Directory.CreateTempSubdirectory("epost-bench-postfix-").FullName;
        var ports = FreePorts(4);
        var instance = new PostfixDovecot(root, ports[0], ports[1]);
        try
        {
            await instance.ConfigureAndStartAsync(users, ports[2], ports[3], cancel);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    private async Task ConfigureAndStartAsync(IReadOnlyList<string> users, int lmtpPort, int authPort, CancellationToken cancel)
    {
        string P(params string[] parts) => Path.Combine([_root, .. parts]);
        foreach (var dir in new[] { "pf/etc", "pf/queue", "pf/data", "dv/run", "dv/state", "mail" }) Directory.CreateDirectory(P(dir));
        WriteCertificate(P("cert.pem"), P("key.pem"));
        // Dovecot's and Postfix's unprivileged processes must reach their directories, and smtpd reads the key as postfix.
        await RunAsync("chmod", ["755", _root], cancel);
        await RunAsync("chmod", ["644", P("key.pem")], cancel);
        await File.WriteAllLinesAsync(P("dv", "passwd"), users.Select(u => $"{u}@{Domain}:{{PLAIN}}{Password}"), cancel);
        await File.WriteAllTextAsync(P("dv", "dovecot.conf"), $$"""
            protocols = imap lmtp
            base_dir = {{P("dv", "run")}}
            state_dir = {{P("dv", "state")}}
            log_path = {{P("dv", "dovecot.log")}}
            instance_name = epost-bench
            listen = 127.0.0.1
            ssl = required
            ssl_cert = <{{P("cert.pem")}}
            ssl_key = <{{P("key.pem")}}
            auth_mechanisms = plain
            first_valid_uid = 8
            last_valid_uid = 8
            mail_location = maildir:~/Maildir
            postmaster_address = postmaster@{{Domain}}
            passdb {
              driver = passwd-file
              args = {{P("dv", "passwd")}}
            }
            userdb {
              driver = static
              args = uid=mail gid=mail home={{P("mail")}}/%u
            }
            service imap-login {
              inet_listener imap {
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service lmtp {
              inet_listener lmtp {
                port = {{lmtpPort}}
              }
              unix_listener lmtp {
                mode = 0
              }
            }
            service auth {
              inet_listener {
                port = {{authPort}}
              }
            }

            """, cancel);
        await File.WriteAllTextAsync(P("pf", "etc", "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {P("pf", "queue")}
            data_directory = {P("pf", "data")}
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = bench.localhost
            mydestination =
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            virtual_mailbox_domains = {Domain}
            virtual_transport = lmtp:inet:127.0.0.1:{lmtpPort}
            smtpd_tls_cert_file = {P("cert.pem")}
            smtpd_tls_key_file = {P("key.pem")}
            smtpd_tls_security_level = may
            smtpd_sasl_type = dovecot
            smtpd_sasl_path = inet:127.0.0.1:{authPort}
            smtpd_sasl_auth_enable = yes
            smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
            smtpd_recipient_restrictions = permit_sasl_authenticated, reject
            maillog_file_prefixes = {_root}
            maillog_file = {P("pf", "postfix.log")}
            syslog_name = postfix-epost-bench

            """, cancel);
        // Debian's master.cf without chroot (the queue lives in the temporary directory), smtpd on the chosen port.
        await File.WriteAllTextAsync(P("pf", "etc", "master.cf"), $"""
            127.0.0.1:{SmtpPort} inet n - n - - smtpd
            pickup unix n - n 60 1 pickup
            cleanup unix n - n - 0 cleanup
            qmgr unix n - n 300 1 qmgr
            tlsmgr unix - - n 1000? 1 tlsmgr
            rewrite unix - - n - - trivial-rewrite
            bounce unix - - n - 0 bounce
            defer unix - - n - 0 bounce
            trace unix - - n - 0 bounce
            verify unix - - n - 1 verify
            flush unix n - n 1000? 0 flush
            proxymap unix - - n - - proxymap
            smtp unix - - n - - smtp
            relay unix - - n - - smtp
            showq unix n - n - - showq
            error unix - - n - - error
            retry unix - - n - - error
            discard unix - - n - - discard
            lmtp unix - - n - - lmtp
            anvil unix - - n - 1 anvil
            scache unix - - n - 1 scache
            postlog unix-dgram n - n - 1 postlogd

            """, cancel);
        await RunAsync("chown", ["mail:mail", P("mail")], cancel);
        await RunAsync("chown", ["postfix", P("pf", "data")], cancel);

        await RunAsync("/usr/sbin/dovecot", ["-c", P("dv", "dovecot.conf")], cancel, P("dv", "dovecot.log"));
        _dovecotStarted = true;
        await RunAsync("/usr/sbin/postfix", ["-c", P("pf", "etc"), "start"], cancel, P("pf", "postfix.log"));
        _postfixStarted = true;
        await WaitListeningAsync(ImapPort, P("dv", "dovecot.log"), cancel);
        await WaitListeningAsync(SmtpPort, P("pf", "postfix.log"), cancel);
    }

    /// <summary>Stops both servers and removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_postfixStarted)
            await TryAsync("/usr/sbin/postfix", ["-c", Path.Combine(_root, "pf", "etc"), "stop"]);
        if (_dovecotStarted)
            await TryAsync("/usr/bin/doveadm", ["-c", Path.Combine(_root, "dv", "dovecot.conf"), "stop"]);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static async Task TryAsync(string file, string[] args)
    {
        try
        {
            await RunAsync(file, args, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Stopping is best effort: the directory goes either way.
        }
    }

    private static void WriteCertificate(string certPath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken cancel, string? log = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {(await error + await output).Trim()} {Tail(log)}".Trim());
    }

    private static async Task WaitListeningAsync(int port, string log, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancel);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100, cancel);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"Nothing listens on 127.0.0.1:{port} 30 s after start. {Tail(log)}");
            }
        }
    }

    private static string Tail(string? log) =>
        log is not null && File.Exists(log) ? "Log: " + string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "";

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}

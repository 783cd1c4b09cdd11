using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on loopback: Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd), with a small
/// handler that writes each received message to a folder. Start and stop it as often as a test needs on
/// one fixed port, to play an outage.
/// </summary>
public sealed class SmtpServerFixture : IDisposable
{
    public const string Python = "/usr/bin/python3";

    // Each message is written to a temp name and renamed, so a reader never sees half a file.
    private const string Script = """
        import os, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        folder, port, plain_auth = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "auth"
        class Save:
            async def handle_DATA(self, server, session, envelope):
                if os.path.exists(os.path.join(folder, "drop")):
                    # The whole message came in; the connection drops before the reply, so the sender cannot know it arrived.
                    server.transport.abort()
                    return "421 Dropped"
                name = os.path.join(folder, "%d.eml" % time.time_ns())
                with open(name + ".part", "wb") as f:
                    f.write(envelope.original_content or envelope.content)
                os.rename(name + ".part", name)
                return "250 Message accepted"
        def record_login(server, session, envelope, mechanism, auth_data):
            with open(os.path.join(folder, "logins.txt"), "ab") as f:
                f.write(auth_data.login + b"\n")
            return AuthResult(success=True)
        options = dict(auth_require_tls=False, authenticator=record_login) if plain_auth else {}
        controller = Controller(Save(), hostname="127.0.0.1", port=port, **options)
        controller.start()
        print("ready", flush=True)
        sys.stdin.read()
        controller.stop()
        """;

    /// <summary>Offers AUTH without TLS (as a server on a trusted network might) and records each login it is sent.</summary>
    public bool OffersPlainAuth { get; init; }

    /// <summary>While set, the server drops the connection at the end of each message, before it answers (and keeps nothing).</summary>
    public bool DropsConnections
    {
        get => File.Exists(DropFlag);
        set
        {
            if (value) File.WriteAllText(DropFlag, "");
            else File.Delete(DropFlag);
        }
    }

    private string DropFlag => Path.Combine(_folder, "drop");

    /// <summary>The user names the server was sent with AUTH, in order.</summary>
    public IReadOnlyList<string> Logins()
    {
        var file = Path.Combine(_folder, "logins.txt");
        return File.Exists(file) ? File.ReadAllLines(file) : [];
    }

    private readonly string _folder = Directory.CreateTempSubdirectory("coreportal-smtp-").FullName;
    private Process? _server;

    public int Port { get; } = FreePort();

    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!File.Exists(Python)) return false;
        using var probe = Process.Start(new ProcessStartInfo(Python, "-c \"import aiosmtpd\"") { RedirectStandardError = true, UseShellExecute = false });
        probe!.WaitForExit();
        return probe.ExitCode == 0;
    });

    public bool IsRunning => _server is { HasExited: false };

    public void Start()
    {
        if (IsRunning) return;
        if (!Available.Value)
        {
            // Like the browser tests: skipped with the reason on a developer's machine, a failure under CI.
            const string reason = "Debian's python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd); .ci/run installs it.";
            if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException(reason);
            Assert.Skip(reason);
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", Script, _folder, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), OffersPlainAuth ? "auth" : "plain" }) start.ArgumentList.Add(arg);
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start the SMTP server.");
        var ready = _server.StandardOutput.ReadLine();
        if (ready != "ready")
            throw new InvalidOperationException($"The SMTP server did not start (is python3-aiosmtpd installed?): {_server.StandardError.ReadToEnd()}");
    }

    public void Stop()
    {
        if (_server is null) return;
        if (!_server.HasExited)
        {
            _server.StandardInput.Close(); // the script stops its controller when stdin closes
            if (!_server.WaitForExit(5000)) _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }
        _server.Dispose();
        _server = null;
    }

    /// <summary>Every message received so far, parsed. The server writes each one before it answers 250, so a send that returned is here.</summary>
    public List<MimeMessage> Received() =>
        Directory.GetFiles(_folder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Stop();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}

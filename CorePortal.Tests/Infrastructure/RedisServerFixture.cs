using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// A throwaway redis-server on a free loopback port, nothing saved to disk; stopped on dispose. Without Debian's
/// redis-server the tests that need it are skipped with the reason, except under CI, where they fail.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public const string ServerPath = "/usr/bin/redis-server";
    private Process? _server;

    public string? Unavailable { get; private set; }
    public int Port { get; private set; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ServerPath))
        {
            Unavailable = $"redis-server is not installed at {ServerPath} (apt-get install redis-server); .ci/run installs it.";
            if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException(Unavailable);
            return;
        }
        Port = FreePort();
        var start = new ProcessStartInfo(ServerPath) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        _server = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await _server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                _ = _server.StandardOutput.ReadToEndAsync(); // keep draining, so the server never blocks on a full pipe
                return;
            }
        }
        throw new InvalidOperationException($"redis-server exited with {_server.ExitCode} before accepting connections on port {Port}.");
    }

    public void SkipIfUnavailable() => Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null) return;
        if (!_server.HasExited) _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
    }
}

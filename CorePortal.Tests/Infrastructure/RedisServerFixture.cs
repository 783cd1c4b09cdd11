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
        if (CheckInstalled()) await StartAsync();
    }

    /// <summary>A fixture whose port is chosen but whose server is not running yet: Redis down when the app starts.</summary>
    public static RedisServerFixture NotStarted()
    {
        var redis = new RedisServerFixture();
        if (redis.CheckInstalled()) redis.Port = FreePort();
        return redis;
    }

    private bool CheckInstalled()
    {
        if (File.Exists(ServerPath)) return true;
        Unavailable = $"redis-server is not installed at {ServerPath} (apt-get install redis-server); .ci/run installs it.";
        if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException(Unavailable);
        return false;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>, on the same port, empty) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (Port == 0) Port = FreePort();
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

    /// <summary>Kills the server (SIGKILL: Redis lost, not shut down) and waits until it has gone.</summary>
    public async Task StopAsync()
    {
        if (_server is null) return;
        if (!_server.HasExited) _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
        _server = null;
    }

    public void SkipIfUnavailable() => Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

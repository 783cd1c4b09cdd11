using System.Net.Http.Headers;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Chain;

/// <summary>
/// The chain set-up of the README, for real: one PostgreSQL database, one redis-server, two app processes
/// (`dotnet CorePortal.dll`, both started at once on the empty database, so they also race to migrate and seed) and
/// Debian's nginx in front with the repository's configuration. Started by the first test that asks, once; a test
/// that kills a server asks for it back with <see cref="EnsureRunningAsync"/>.
/// </summary>
public sealed class ChainFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly RedisServerFixture _redis = new();
    private TestDatabase? _database;
    private Task? _start;

    public AppServer A { get; private set; } = null!;
    public AppServer B { get; private set; } = null!;
    public NginxProxy Nginx { get; } = new();
    public IReadOnlyList<AppServer> Servers => [A, B];
    /// <summary>The shared database, for the fixture steps (made through the app's services) and the checks.</summary>
    public TestDatabase Database => _database!;
    /// <summary>A staff bearer token issued by server A; every server accepts it (one key ring in Redis).</summary>
    public string StaffToken { get; private set; } = "";

    /// <summary>Why the chain cannot run here: the test skips, except under CI, where it fails.</summary>
    public string? Unavailable => NginxProxy.Unavailable ?? PostgresServer.Unavailable ?? _redis.Unavailable;

    public ValueTask InitializeAsync() => _redis.InitializeAsync();

    public void SkipIfUnavailable()
    {
        if (Unavailable is null) return;
        if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException(Unavailable);
        Assert.Skip(Unavailable);
    }

    /// <summary>Starts the chain on first use; restarts any app server a test killed.</summary>
    public async Task EnsureRunningAsync()
    {
        SkipIfUnavailable();
        await _starting.WaitAsync();
        try
        {
            _start ??= StartAsync(); // a failed start fails every test, without starting again
            await _start;
            foreach (var server in Servers.Where(s => s.HasExited)) await server.StartAsync();
        }
        finally { _starting.Release(); }
    }

    private async Task StartAsync()
    {
        _database = new TestDatabase(DatabaseEngine.Postgres); // migrated, empty: the servers seed it
        var environment = AppServer.DemoEnvironment("Postgres", _database.ConnectionString,
            ("ConnectionStrings__Redis", _redis.ConnectionString), ("Proxy__KnownProxies__0", "127.0.0.1"));
        A = new AppServer("A", environment);
        B = new AppServer("B", environment);
        await Task.WhenAll(A.StartAsync(), B.StartAsync());
        await Nginx.StartAsync(A, B);
        using var http = new HttpClient { BaseAddress = new Uri(A.BaseUrl) };
        StaffToken = (await ApiApp.LoginAsync(http, DemoUsers.Staff)).AccessToken;
    }

    /// <summary>A client of the JSON API with the staff token, straight to a server or through nginx.</summary>
    public HttpClient Api(string baseUrl)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StaffToken);
        return http;
    }

    /// <summary>The app server nginx sends this machine's requests to (ip_hash pins an address to one server).</summary>
    public async Task<AppServer> PinnedServerAsync()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{Nginx.BaseUrl}/health/live");
        var upstream = response.Headers.GetValues(NginxProxy.UpstreamHeader).Single();
        return Servers.Single(s => upstream.EndsWith(s.Address, StringComparison.Ordinal));
    }

    public AppServer Other(AppServer server) => server == A ? B : A;

    public string Diagnostics() => $"A:\n{A?.Output}\nB:\n{B?.Output}\nnginx:\n{Nginx.ErrorLog}";

    public async ValueTask DisposeAsync()
    {
        await Nginx.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
        _database?.Dispose();
        await _redis.DisposeAsync();
        _starting.Dispose();
    }
}

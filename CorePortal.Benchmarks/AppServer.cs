using System.Data.Common;
using System.Net;
using System.Text.RegularExpressions;
using CorePortal.Data;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// The real app (Program.cs: middleware, sign-in, Blazor, /hubs/balances) on Kestrel over loopback, over the
/// benchmark's database, in Production. It runs in this process, so a scenario can commit through the app's own
/// services and time receipt on one clock. Two additions for measuring only: a clock on transaction commits and a
/// count of open Blazor circuits.
/// </summary>
public sealed class AppServer : WebApplicationFactory<Program>
{
    public const string StaffEmail = "staff@demo.studio";
    public const string DemoPassword = "CorePortal-Demo1";
    private readonly string _databasePath;

    public AppServer(string databasePath) => _databasePath = databasePath;

    public CommitClock Commits { get; } = new();
    public CircuitCount Circuits { get; } = new();
    public string BaseUrl { get; private set; } = "";

    public static AppServer Start(string databasePath)
    {
        var server = new AppServer(databasePath);
        server.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        server.StartServer();
        server.BaseUrl = server.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseStaticWebAssets(); // blazor.web.js and MudBlazor's files from the build output, as a published app has them
        builder.UseSetting("ConnectionStrings:Core", $"Data Source={_databasePath}");
        builder.UseSetting("Seed:Demo", "false"); // the benchmark seeded the file already
        builder.UseSetting("Auth:SignInsPerMinute", "1000");
        builder.UseSetting("Smtp:PickupFolder", Path.Combine(Path.GetDirectoryName(_databasePath)!, "mail-pickup"));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<CoreDbContext>(o => o.AddInterceptors(Commits));
            services.AddSingleton(Circuits);
            services.AddScoped<CircuitHandler, CircuitCount.Handler>();
        });
    }

    /// <summary>Signs in through the sign-in form, as a person would; the cookie lands in the given container.</summary>
    public async Task<CookieContainer> SignInAsync(string email = StaffEmail)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl) };
        var form = await http.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = DemoPassword,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}");
        return cookies;
    }
}

/// <summary>The Stopwatch timestamp of the last committed transaction: where "commit to receipt" starts.</summary>
public sealed class CommitClock : DbTransactionInterceptor
{
    private long _lastCommit;
    public long LastCommit => Interlocked.Read(ref _lastCommit);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Interlocked.Exchange(ref _lastCommit, System.Diagnostics.Stopwatch.GetTimestamp());

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }
}

/// <summary>Blazor circuits opened on the server so far, and how many are open now (a closed page's circuit stays a while, retained).</summary>
public sealed class CircuitCount
{
    private int _opened, _open;
    public int Opened => Volatile.Read(ref _opened);
    public int Open => Volatile.Read(ref _open);

    public sealed class Handler(CircuitCount count) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count._opened);
            Interlocked.Increment(ref count._open);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref count._open);
            return Task.CompletedTask;
        }
    }
}

using System.Data.Common;
using System.Net;
using CorePortal.Data;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// The app on loopback (<see cref="LoopbackApp"/>) over the benchmark's database, in Production. It runs in this process,
/// so a scenario can commit through the app's own services and time receipt on one clock. Two additions for measuring
/// only: a clock on transaction commits and a count of open Blazor circuits.
/// </summary>
public sealed class AppServer : LoopbackApp
{
    public const string StaffEmail = "staff@demo.studio";
    public const string DemoPassword = "CorePortal-Demo1";
    private readonly string _databasePath;

    public AppServer(string databasePath) => _databasePath = databasePath;

    public CommitClock Commits { get; } = new();
    public CircuitCount Circuits { get; } = new();

    public static AppServer Start(string databasePath)
    {
        var server = new AppServer(databasePath);
        server.Listen();
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

    /// <summary>Signs in as staff (or the demo user named) through the sign-in form; the cookie lands in the given container.</summary>
    public Task<CookieContainer> SignInAsync(string email = StaffEmail) => SignInAsync(email, DemoPassword);
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

using System.Net;
using CorePortal.Benchmarks;
using CorePortal.Data;
using CorePortal.Features.Clients;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// The whole app over its own temp SQLite file (or PostgreSQL database, see <see cref="TestEngine"/>), seeded with the demo fixtures and a few generated clients: in memory
/// (TestServer) unless <see cref="LoopbackApp.Listen"/> puts it on Kestrel for browsers and hub clients.
/// </summary>
public class PortalFactory : LoopbackApp
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coreportal-app-").FullName;

    public int GeneratedClients { get; init; } = 40;
    public int RandomSeed { get; init; } = 20261123;
    /// <summary>Extra configuration for one test, such as a shorter session.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];
    /// <summary>The engine the app runs on: the suite's unless a test names one.</summary>
    public DatabaseEngine Engine { get; init; } = TestEngine.Current;
    /// <summary>The host environment: Development, as the suite runs, unless a test checks what Production adds (HSTS, HTTPS redirection).</summary>
    public string EnvironmentName { get; init; } = "Development";
    /// <summary>The app's database, made on first use; another app given the same string shares it (two servers, one database).</summary>
    public string DatabaseConnection
    {
        get => _databaseConnection ??= Engine == DatabaseEngine.Postgres ? PostgresServer.Shared.CreateDatabase() : $"Data Source={Path.Combine(_folder, "app.db")}";
        init => (_databaseConnection, _sharesDatabase) = (value, true);
    }
    private string? _databaseConnection;
    private readonly bool _sharesDatabase;
    /// <summary>Where the app's log goes besides the console, for a test that checks what it says.</summary>
    public LogLines? Log { get; init; }
    public string MailPickupFolder => Path.Combine(_folder, "mail-pickup");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        // No SMTP server here: invitation mails land as .eml files in the temp folder this factory deletes.
        builder.UseSetting("Smtp:PickupFolder", MailPickupFolder);
        if (Engine == DatabaseEngine.Postgres) PostgresServer.SkipIfUnavailable();
        builder.UseSetting("Database:Provider", Engine.ToString());
        builder.UseSetting("ConnectionStrings:Core", DatabaseConnection);
        builder.UseSetting("Seed:Demo", "true");
        builder.UseSetting("Seed:Clients", GeneratedClients.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Seed:RandomSeed", RandomSeed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Tests sign the demo users in many times a minute; the per-account limit is tested with its own setting.
        builder.UseSetting("Auth:SignInsPerAccountPerMinute", "1000");
        builder.UseSetting("Auth:SignInsPerMinute", "1000"); // the per-address limit likewise: every test client comes from one address
        // The membership job would renew and expire the demo data at start-up, under the tests' feet; its tests run its pass
        // themselves (MembershipJob.RunOnceAsync), and a test that wants it running sets this back.
        builder.UseSetting("Memberships:RunJob", "false");
        builder.UseSetting("Waitlist:RunJob", "false"); // likewise: its tests run WaitlistJob.RunOnceAsync
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (Log is not null) builder.ConfigureLogging(l => l.AddProvider(Log));
        // Every context of the app refuses a write around the write door, so each test through the app proves there is none.
        builder.ConfigureTestServices(s => s.ConfigureDbContext<CoreDbContext>(o => o.AddInterceptors(WriteDoorGuard.Instance)));
    }

    /// <summary>An HTTP client signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email, string password = DemoUsers.Password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}");
        return client;
    }

    /// <summary>The client's app login (made now, or the demo seed's), with the demo password.</summary>
    public async Task<string> CreateMemberLoginAsync(int clientId)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        if (await users.Users.Where(u => u.ClientId == clientId).Select(u => u.Email).FirstOrDefaultAsync() is { } seeded) return seeded; // one login per client
        var email = $"member{clientId}-{Guid.NewGuid():N}@example.com";
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Member {clientId}", ClientId = clientId };
        Check(await users.CreateAsync(user, DemoUsers.Password));
        Check(await users.AddToRoleAsync(user, Roles.Member));
        return email;
    }

    /// <summary>A new client of the demo studio, with a unique email and barcode.</summary>
    public async Task<Client> NewClientAsync(string first, string last)
    {
        await using var scope = Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        await using var tx = await db.BeginWriteAsync();
        var unique = Guid.NewGuid().ToString("N")[..8];
        var client = new Client
        {
            FirstName = first, LastName = last, Email = $"{first}.{last}.{unique}@example.com".ToLowerInvariant(), Phone = "555-0199",
            Barcode = $"T{unique}", HomeLocationId = await db.Locations.Select(l => l.Id).FirstAsync(),
        };
        ClientSearchKeys.Apply(client);
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return client;
    }

    // The outbox worker sends in the background after a write pokes it; wait for its file, up to a deadline.
    public async Task<MimeKit.MimeMessage> WaitForMailAsync(string to)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (DateTime.UtcNow < deadline)
        {
            var found = Directory.Exists(MailPickupFolder)
                ? Directory.GetFiles(MailPickupFolder, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == to))
                : null;
            if (found is not null) return found;
            await timer.WaitForNextTickAsync();
        }
        throw new TimeoutException($"No mail to {to} reached {MailPickupFolder}.");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Engine == DatabaseEngine.Postgres && _databaseConnection is not null && !_sharesDatabase) PostgresServer.Shared.DropDatabase(_databaseConnection);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}

public static class DemoUsers
{
    public const string Password = "CorePortal-Demo1";
    public const string Admin = "admin@demo.studio";
    public const string Manager = "manager@demo.studio";
    public const string Staff = "staff@demo.studio";
    public const string Trainer = "trainer@demo.studio";
    /// <summary>Members' app logins of the demo seed: Maya owns the family pack, Leo accepted it, Ivy is invited, Lucas has nothing.</summary>
    public const string Maya = "maya.chen@example.com";
    public const string Leo = "leo.chen@example.com";
    public const string Ivy = "ivy.chen@example.com";
    public const string Lucas = "lucas.silva@example.com";
}

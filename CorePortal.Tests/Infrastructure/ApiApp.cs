using System.Net.Http.Headers;
using System.Net.Http.Json;
using CorePortal.Data;
using CorePortal.Features.Sales;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Infrastructure;

public sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

/// <summary>One app for the API test classes, which run one after another: fewer apps starting at once beside the browser tests.</summary>
[CollectionDefinition(ApiApp.Collection)]
public sealed class ApiCollection : ICollectionFixture<ApiApp>;

/// <summary>The lockout and sign-in limit classes keep their own apps but run one after another.</summary>
[CollectionDefinition(ApiApp.SignInCollection)]
public sealed class SignInCollection;

/// <summary>The app for API tests: bearer tokens per demo user, fetched once, and ids from the demo data.</summary>
public sealed class ApiApp : PortalFactory
{
    public const string Collection = "Api";
    public const string SignInCollection = "Api sign-in";

    private readonly Dictionary<string, string> _tokens = [];
    private readonly SemaphoreSlim _lock = new(1, 1);

    // Many tests sign in from the same (test) address; the limit itself is tested with its own app.
    public ApiApp() => Settings["Auth:SignInsPerMinute"] = "1000";

    public static async Task<TokenResponse> LoginAsync(HttpClient client, string email, string password = DemoUsers.Password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    /// <summary>A client with the user's bearer token, or without any for null (anonymous).</summary>
    public async Task<HttpClient> AsAsync(string? email)
    {
        var client = CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        if (email is null) return client;
        await _lock.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(email, out var token))
                _tokens[email] = token = (await LoginAsync(client, email)).AccessToken;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        finally { _lock.Release(); }
        return client;
    }

    public async Task<T> QueryAsync<T>(Func<CoreDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task<int> ClientIdAsync(string barcode) => QueryAsync(db => db.Clients.Where(c => c.Barcode == barcode).Select(c => c.Id).SingleAsync());

    public Task<int> PurchaseIdAsync(string barcode, string itemName) => QueryAsync(db => db.Purchases
        .Where(p => p.OwnerClient!.Barcode == barcode && p.Name == itemName).Select(p => p.Id).SingleAsync());

    public Task<int> CatalogItemIdAsync(string name) => QueryAsync(db => db.CatalogItems.Where(i => i.Name == name).Select(i => i.Id).SingleAsync());

    /// <summary>A session of that name the given number of days from today.</summary>
    public async Task<int> SessionIdAsync(string name, int daysFromToday)
    {
        var sessions = await QueryAsync(db => db.Sessions.Where(s => s.Name == name).Select(s => new { s.Id, s.StartsAt }).ToListAsync());
        return sessions.Single(s => DateOnly.FromDateTime(s.StartsAt) == DateOnly.FromDateTime(DateTime.Now).AddDays(daysFromToday)).Id;
    }

    /// <summary>A new client (Email is the client's, where invitations go) with an app login, ready for the members' API.</summary>
    public async Task<(int ClientId, string Email, string Barcode, HttpClient Api)> NewMemberAsync(string first, string last)
    {
        var client = await NewClientAsync(first, last);
        return (client.Id, client.Email, client.Barcode, await AsAsync(await CreateMemberLoginAsync(client.Id)));
    }

    public const string FamilyPack = "20-Class Family Pack"; // shared with up to 3 clients
    public const string TenPack = "10-Class Pack"; // no sharing

    /// <summary>Sells a demo catalog item to the client at the front desk, shared with the given clients.</summary>
    public async Task<int> SellAsync(string itemName, int ownerClientId, params int[] sharedWith)
    {
        await using var scope = Services.CreateAsyncScope();
        var item = await QueryAsync(db => db.CatalogItems.Where(i => i.Name == itemName).Select(i => i.Id).SingleAsync());
        var sale = await scope.ServiceProvider.GetRequiredService<SaleService>().CheckoutAsync(TestUsers.Staff, new SaleRequest(item, ownerClientId, sharedWith));
        return sale.Succeeded ? sale.Value!.PurchaseId : throw new InvalidOperationException(sale.Message);
    }

    /// <summary>A new session with room for everyone, the given number of days from today.</summary>
    public Task<int> NewSessionAsync(int daysFromToday, string name = "Member Flow") => QueryAsync(async db =>
    {
        await using var tx = await db.BeginWriteAsync();
        var session = new Session
        {
            Name = name, Trainer = "Taylor Trainer", DurationMinutes = 45, Capacity = 20,
            LocationId = await db.Locations.Select(l => l.Id).FirstAsync(), StartsAt = DateTime.Today.AddDays(daysFromToday).AddHours(7),
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return session.Id;
    });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _lock.Dispose();
    }
}

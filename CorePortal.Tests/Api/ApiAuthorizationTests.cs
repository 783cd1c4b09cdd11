using System.Net;
using System.Net.Http.Json;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Api;

/// <summary>Every API endpoint, every role: the server refuses before any rule runs.</summary>
[Collection(ApiApp.Collection)]
public sealed class ApiAuthorizationTests(ApiApp app)
{
    private const string Anonymous = "";

    public static TheoryData<string, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        string[] reads = ["/api/clients?query=chen", "/api/clients/{client}", "/api/clients/{client}/credits",
            "/api/purchases/{purchase}/credit-history", "/api/purchases/{purchase}/visits", "/api/locations",
            "/api/sessions?day={today}&locationId=1", "/api/clients/{client}/credit-sources?sessionId={session}"];
        string[] writes = ["/api/purchases/{purchase}/adjustments", "/api/bookings", "/api/bookings/{booking}/cancel"];
        foreach (var path in reads)
        {
            data.Add(Anonymous, "GET", path, HttpStatusCode.Unauthorized);
            data.Add(DemoUsers.Trainer, "GET", path, HttpStatusCode.OK);
            data.Add(DemoUsers.Staff, "GET", path, HttpStatusCode.OK);
            data.Add(DemoUsers.Manager, "GET", path, HttpStatusCode.OK);
            data.Add(DemoUsers.Maya, "GET", path, HttpStatusCode.Forbidden); // members use /api/me
        }
        foreach (var path in writes)
        {
            data.Add(Anonymous, "POST", path, HttpStatusCode.Unauthorized);
            data.Add(DemoUsers.Trainer, "POST", path, HttpStatusCode.Forbidden);
            data.Add(DemoUsers.Maya, "POST", path, HttpStatusCode.Forbidden);
        }
        return data;
    }

    /// <summary>
    /// The members' endpoints: only a member's login opens them; staff logins have no client to act for. Paths with
    /// an id name Maya's family pack: Maya owns it, Leo is authorized on it, Lucas has nothing to do with it.
    /// (What a member may write, and that another member changing an id changes nothing, is in MemberApiTests.)
    /// </summary>
    public static TheoryData<string, string, HttpStatusCode> MemberMatrix()
    {
        var data = new TheoryData<string, string, HttpStatusCode>();
        string[] own = ["/api/me", "/api/me/packages", "/api/me/invitations", "/api/me/bookings", "/api/me/bookings?past=true", "/api/me/notifications",
            "/api/me/locations", "/api/me/sessions?day={today}&locationId=1", "/api/me/credit-sources?sessionId={session}", "/api/me/sessions/{session}/waitlist"];
        foreach (var path in own.Append("/api/me/packages/{pack}/sharing").Append("/api/me/packages/{pack}/visits"))
        {
            data.Add(Anonymous, path, HttpStatusCode.Unauthorized);
            data.Add(DemoUsers.Trainer, path, HttpStatusCode.Forbidden);
            data.Add(DemoUsers.Staff, path, HttpStatusCode.Forbidden);
            data.Add(DemoUsers.Manager, path, HttpStatusCode.Forbidden);
            data.Add(DemoUsers.Maya, path, HttpStatusCode.OK);
        }
        foreach (var path in own) data.Add(DemoUsers.Lucas, path, HttpStatusCode.OK);
        data.Add(DemoUsers.Lucas, "/api/me/packages/{pack}/sharing", HttpStatusCode.Forbidden);
        data.Add(DemoUsers.Leo, "/api/me/packages/{pack}/sharing", HttpStatusCode.Forbidden); // authorized users see the pool, not who else shares it
        data.Add(DemoUsers.Lucas, "/api/me/packages/{pack}/visits", HttpStatusCode.Forbidden);
        data.Add(DemoUsers.Leo, "/api/me/packages/{pack}/visits", HttpStatusCode.OK);
        data.Add(DemoUsers.Maya, "/api/me/packages/999999/sharing", HttpStatusCode.NotFound);
        return data;
    }

    [Theory]
    [MemberData(nameof(MemberMatrix))]
    public async Task Each_member_endpoint_answers_by_who_calls_it(string user, string path, HttpStatusCode expected)
    {
        var client = await app.AsAsync(user == Anonymous ? null : user);
        var url = await ResolveAsync(path);

        var response = await client.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> ResolveAsync(string path) => path
        .Replace("{client}", (await app.ClientIdAsync("CP100001")).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{purchase}", (await app.PurchaseIdAsync("CP100001", "20-Class Family Pack")).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{pack}", (await app.PurchaseIdAsync("CP100001", "20-Class Family Pack")).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{booking}", "1", StringComparison.Ordinal)
        .Replace("{today}", DateOnly.FromDateTime(DateTime.Now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{session}", (await app.SessionIdAsync("HIIT 45", 3)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{item}", (await app.CatalogItemIdAsync("10-Class Pack")).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // Staff endpoints: client writes, catalog (managers only), sales, new sessions and rosters. {} is a bad body, so a
    // caller who gets past authorization sees the service's 400, not a 2xx that changed something.
    public static TheoryData<string, string, string, HttpStatusCode> StaffEndpointMatrix()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        void Add(string method, string path, HttpStatusCode trainer, HttpStatusCode staff, HttpStatusCode manager)
        {
            data.Add(Anonymous, method, path, HttpStatusCode.Unauthorized);
            data.Add(DemoUsers.Trainer, method, path, trainer);
            data.Add(DemoUsers.Staff, method, path, staff);
            data.Add(DemoUsers.Manager, method, path, manager);
            data.Add(DemoUsers.Maya, method, path, HttpStatusCode.Forbidden); // members use /api/me
        }
        const HttpStatusCode ok = HttpStatusCode.OK, bad = HttpStatusCode.BadRequest, forbidden = HttpStatusCode.Forbidden;
        Add("POST", "/api/clients", forbidden, bad, bad);
        Add("PUT", "/api/clients/{client}", forbidden, bad, bad);
        Add("GET", "/api/catalog?kind=Package", forbidden, forbidden, ok);
        Add("GET", "/api/catalog/{item}", forbidden, forbidden, ok);
        Add("POST", "/api/catalog", forbidden, forbidden, bad);
        Add("PUT", "/api/catalog/{item}", forbidden, forbidden, bad);
        Add("GET", "/api/sales/items", forbidden, ok, ok);
        Add("POST", "/api/sales", forbidden, bad, bad);
        Add("POST", "/api/sessions", forbidden, bad, bad);
        Add("GET", "/api/sessions/{session}/roster", ok, ok, ok);
        Add("GET", "/api/sessions/{session}/waitlist", ok, ok, ok);
        Add("POST", "/api/sessions/{session}/waitlist", forbidden, bad, bad);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    [MemberData(nameof(StaffEndpointMatrix))]
    public async Task Each_endpoint_answers_by_role(string user, string method, string path, HttpStatusCode expected)
    {
        var client = await app.AsAsync(user == Anonymous ? null : user);
        var url = await ResolveAsync(path);

        var response = method switch
        {
            "GET" => await client.GetAsync(url),
            "PUT" => await client.PutAsJsonAsync(url, new { }),
            _ => await client.PostAsJsonAsync(url, new { }),
        };

        Assert.Equal(expected, response.StatusCode);
        Assert.Null(response.Headers.Location); // never a redirect to the sign-in page
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_staff_cookie_also_opens_the_api()
    {
        var client = await app.SignedInClientAsync(DemoUsers.Staff);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/clients?query=chen")).StatusCode);
    }

    [Fact]
    public async Task A_forged_bearer_token_gets_401()
    {
        var client = await app.AsAsync(null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/clients")).StatusCode);
    }
}

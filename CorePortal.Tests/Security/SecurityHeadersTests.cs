using System.Net;
using System.Text.RegularExpressions;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CorePortal.Tests.Security;

public sealed partial class SecurityHeadersTests(PortalFactory app) : IClassFixture<PortalFactory>
{
    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_an_API_answer_a_static_file_and_a_404_carry_the_security_headers()
    {
        var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var staff = await app.SignedInClientAsync(DemoUsers.Manager);

        using var page = await anonymous.GetAsync("/login");
        using var api = await staff.GetAsync("/api/locations");
        using var refused = await anonymous.GetAsync("/api/locations");
        using var file = await anonymous.GetAsync("/app.css");
        using var missing = await staff.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var response in new[] { page, api, refused, file, missing }) AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task Pages_allow_scripts_from_the_app_and_only_the_inline_import_map_that_carries_the_nonce()
    {
        using var page = await app.CreateClient().GetAsync("/login");
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        var html = await page.Content.ReadAsStringAsync();

        var nonce = Assert.Single(NonceInPolicy().Matches(policy)).Groups[1].Value;
        Assert.Matches(@"script-src 'self' 'nonce-[^']+'(;|$)", policy);
        Assert.Contains("connect-src 'self' ws://localhost", policy, StringComparison.Ordinal);
        // Every inline script of the page (the import map) carries the nonce; the others load from the app.
        foreach (Match script in ScriptTag().Matches(html))
            Assert.True(script.Value.Contains("src=", StringComparison.Ordinal) || script.Value.Contains($"nonce=\"{nonce}\"", StringComparison.Ordinal), script.Value);
        Assert.Contains("type=\"importmap\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_gets_its_own_nonce()
    {
        var client = app.CreateClient();
        using var first = await client.GetAsync("/login");
        using var second = await client.GetAsync("/login");

        Assert.NotEqual(first.Headers.GetValues("Content-Security-Policy").Single(), second.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_sign_in_cookie_is_secure_over_HTTPS_and_not_over_plain_HTTP()
    {
        Assert.Contains("secure", await SignInCookieAsync("https://localhost"), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", await SignInCookieAsync("http://localhost"), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> SignInCookieAsync(string baseAddress)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(baseAddress) });
        using var response = await PortalFactory.PostLoginAsync(client, DemoUsers.Manager, DemoUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("CorePortal.Auth=", StringComparison.Ordinal));
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}

/// <summary>The app as it runs in Production: HTTPS enforced by redirect and HSTS.</summary>
public sealed class ProductionHttpsTests(ProductionHttpsTests.App app) : IClassFixture<ProductionHttpsTests.App>
{
    public sealed class App : PortalFactory
    {
        public App()
        {
            EnvironmentName = "Production";
            Settings["https_port"] = "443";
        }
    }

    // HSTS leaves out localhost by design, so these requests name a real-looking host.
    private HttpClient Client(string scheme) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri($"{scheme}://portal.example") });

    [Fact]
    public async Task Plain_HTTP_is_redirected_to_HTTPS()
    {
        using var response = await Client("http").GetAsync("/login");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://portal.example/login", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task HTTPS_answers_carry_HSTS_and_the_security_headers()
    {
        using var response = await Client("https").GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' wss://portal.example", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}

public sealed class DevelopmentHttpTests(PortalFactory app) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Development_serves_plain_HTTP_without_HSTS()
    {
        using var response = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://portal.example") }).GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}

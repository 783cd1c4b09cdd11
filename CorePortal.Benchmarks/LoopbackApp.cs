using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CorePortal.Benchmarks;

/// <summary>
/// The real app (Program.cs: middleware, sign-in, Blazor, /hubs/balances) in this process through
/// WebApplicationFactory&lt;Program&gt;, listening on Kestrel over loopback once <see cref="Listen"/> is called, so real
/// browsers and HubConnections reach it. The benchmark's <see cref="AppServer"/> and the tests' PortalFactory both
/// derive from it and only say which database and settings.
/// </summary>
public abstract partial class LoopbackApp : WebApplicationFactory<Program>
{
    /// <summary>The app's address (no trailing slash) once it listens; empty before.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts the app on a free loopback port; once.</summary>
    public void Listen()
    {
        if (BaseUrl.Length > 0) return;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
    }

    /// <summary>Signs in through the sign-in form, as a person would; the cookie lands in the returned container.</summary>
    public async Task<CookieContainer> SignInAsync(string email, string password)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl) };
        using var response = await PostLoginAsync(http, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}");
        return cookies;
    }

    /// <summary>Posts the sign-in form with its antiforgery token, as a browser would; a redirect means signed in.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var token = AntiforgeryToken(await client.GetStringAsync("/login"));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
        });
        return await client.PostAsync("/login", form);
    }

    /// <summary>The antiforgery token of a static form page, for posting it as a browser would.</summary>
    public static string AntiforgeryToken(string page) => AntiforgeryField().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

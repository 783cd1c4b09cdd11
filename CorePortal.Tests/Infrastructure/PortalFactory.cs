using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace CorePortal.Tests.Infrastructure;

/// <summary>The whole app over its own temp SQLite file, seeded with the demo fixtures and a few generated clients.</summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coreportal-app-").FullName;

    public int GeneratedClients { get; init; } = 40;
    public int RandomSeed { get; init; } = 20261123;
    /// <summary>Extra configuration for one test, such as a shorter session.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];
    public string DatabasePath => Path.Combine(_folder, "app.db");
    public string MailPickupFolder => Path.Combine(_folder, "mail-pickup");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // No SMTP server here: invitation mails land as .eml files in the temp folder this factory deletes.
        builder.UseSetting("Smtp:PickupFolder", MailPickupFolder);
        builder.UseSetting("ConnectionStrings:Core", $"Data Source={DatabasePath}");
        builder.UseSetting("Seed:Demo", "true");
        builder.UseSetting("Seed:Clients", GeneratedClients.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Seed:RandomSeed", RandomSeed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
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

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
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
}

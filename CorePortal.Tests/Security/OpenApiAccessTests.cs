using System.Net;
using System.Net.Http.Headers;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CorePortal.Tests.Security;

/// <summary>The OpenAPI document in Production: the studio's signed-in team only; Scalar not at all.</summary>
public sealed class ProductionOpenApiTests(ProductionOpenApiTests.App app) : IClassFixture<ProductionOpenApiTests.App>
{
    public sealed class App : PortalFactory
    {
        public App()
        {
            EnvironmentName = "Production";
            Settings["https_port"] = "443";
        }
    }

    // Production redirects plain HTTP, so every client here speaks HTTPS.
    private HttpClient Client() =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });

    [Fact]
    public async Task Anonymous_callers_get_no_OpenAPI_document_in_Production()
    {
        using var response = await Client().GetAsync("/openapi/v1.json");

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized
            || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/login", StringComparison.Ordinal)),
            $"{(int)response.StatusCode} {response.Headers.Location}");
        Assert.DoesNotContain("\"paths\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_in_staff_read_the_OpenAPI_document_in_Production_and_Scalar_is_not_served()
    {
        var staff = Client();
        using (var login = await PortalFactory.PostLoginAsync(staff, DemoUsers.Staff, DemoUsers.Password))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        using var document = await staff.GetAsync("/openapi/v1.json");
        using var scalar = await staff.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("\"paths\"", await document.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, scalar.StatusCode);
    }

    [Fact]
    public async Task A_members_token_does_not_open_the_OpenAPI_document_in_Production()
    {
        var member = Client();
        var token = await ApiApp.LoginAsync(member, DemoUsers.Maya);
        member.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);

        using var response = await member.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

public sealed class DevelopmentOpenApiTests(PortalFactory app) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Development_serves_the_OpenAPI_document_and_Scalar_to_anyone()
    {
        var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var document = await anonymous.GetAsync("/openapi/v1.json");
        using var scalar = await anonymous.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }
}

using CorePortal.Components;
using CorePortal.Data;
using CorePortal.Features;
using CorePortal.Features.Api;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Members;
using CorePortal.Features.Reports;
using CorePortal.Features.Seeding;
using CorePortal.Features.Sharing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

// `dotnet run --project CorePortal -- seed --clients 100000 --db path` builds a database and exits.
var seedCommand = SeedCommand.TryParse(args);
if (seedCommand is not null) builder.Configuration.AddInMemoryCollection(seedCommand.Configuration);
// `dotnet run --project CorePortal -- add-user --email E --name N --role Admin` adds a sign-in and exits.
var addUser = AddUserCommand.TryParse(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents().WithPortalLimits(builder.Configuration);
builder.Services.AddMudServices();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddPortalData(builder.Configuration, builder.Environment);
builder.Services.AddPortalAuth(builder.Configuration);
builder.Services.AddPortalFeatures();
builder.Services.AddPortalLive(builder.Configuration);
builder.Services.AddPortalChain(builder.Configuration);
builder.Services.AddPortalApi();
builder.Services.AddPortalMetrics(builder.Configuration);
builder.Services.AddHealthChecks().AddDbContextCheck<CoreDbContext>("database", tags: ["ready"]);

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();
// `dotnet run --project CorePortal -- migrate` applies the migrations and exits, for operators who migrate before a rollout.
if (args is ["migrate", ..])
{
    Console.WriteLine($"The {app.Services.GetRequiredService<DatabaseSettings>().Engine} database is up to date.");
    return;
}
if (seedCommand is not null)
{
    await seedCommand.RunAsync(app.Services);
    return;
}
if (addUser is not null)
{
    Environment.ExitCode = await addUser.RunAsync(app.Services, Environment.GetEnvironmentVariable(AddUserCommand.PasswordVariable));
    return;
}
await app.Services.SeedOnStartAsync();

app.UsePortalProxy();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
if (SecurityHeaders.EnforcesHttps(app.Environment))
{
    app.UseHsts();
    app.UseHttpsRedirection();
}
// Friendly 403/404 pages for pages people open; API calls, hub connections and form posts keep their plain status codes.
app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
app.Use((ctx, next) =>
{
    if ((!HttpMethods.IsGet(ctx.Request.Method) || ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs"))
        && ctx.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        statusPages.Enabled = false;
    return next(ctx);
});
app.UseApiProblemDetails();
app.UseRequestLimits();
app.UseAuthentication();
app.UseBearerTokenRevocation();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapPortalMetrics();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
app.MapAccountEndpoints();
app.MapPortalApi();
app.MapCreditEndpoints();
app.MapPortalLive();
app.MapReportEndpoints();
app.MapSharingEndpoints();
app.MapMemberApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the test project's WebApplicationFactory.</summary>
public partial class Program;

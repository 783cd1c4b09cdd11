using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Scalar.AspNetCore;

namespace CorePortal.Features.Api;

/// <summary>The staff and integration API: bearer or cookie, problem details for errors, an OpenAPI document.</summary>
public static class ApiSetup
{
    public static void AddPortalApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
    }

    /// <summary>
    /// Refusals that end without a body under /api (401 and 403 from authorization, 429 from the sign-in limit) get
    /// problem details too, so every API error has one shape. Goes before authentication, so it wraps them.
    /// </summary>
    public static void UseApiProblemDetails(this WebApplication app) => app.Use(async (ctx, next) =>
    {
        await next(ctx);
        if (ctx.Request.Path.StartsWithSegments("/api") && ctx.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null }
            && string.IsNullOrEmpty(ctx.Response.ContentType))
            await ctx.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new() { HttpContext = ctx });
    });

    public static void MapPortalApi(this WebApplication app)
    {
        app.MapTokenEndpoints();
        var api = app.MapGroup("/api").RequireAuthorization().ProducesAuthProblems();
        api.MapClientsApi();
        api.MapPurchasesApi();
        api.MapBookingsApi();
        api.MapSessionsApi();
        api.MapCatalogApi();
        api.MapLocationsApi();
        api.MapSalesApi();
        api.MapFreezesApi();

        // The document maps every endpoint and each answer it gives: a guide for integrators, and for an attacker. Outside
        // Development only the studio's signed-in team (cookie or bearer) reads it.
        var document = app.MapOpenApi();
        if (app.Environment.IsDevelopment()) document.AllowAnonymous();
        else document.RequireAuthorization(Policies.StudioTeam);
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference().AllowAnonymous();
    }
}

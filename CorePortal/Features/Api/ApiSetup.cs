using CorePortal.Features.Auth;
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

    public static void MapPortalApi(this WebApplication app)
    {
        app.MapTokenEndpoints();
        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapClientsApi();
        api.MapPurchasesApi();
        api.MapBookingsApi();

        app.MapOpenApi().AllowAnonymous();
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference().AllowAnonymous();
    }
}

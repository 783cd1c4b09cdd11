using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Locations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Api;

/// <summary>Locations for managers: each one's IANA time zone ("" = the server's) and waitlist cutoff in hours.</summary>
public static class LocationsApi
{
    public static void MapLocationsApi(this RouteGroupBuilder api)
    {
        var locations = api.MapGroup("/locations").WithTags("Locations").RequireAuthorization(Policies.Manager);
        locations.MapGet("/", ListAsync);
        locations.MapPut("/{locationId:int}", UpdateAsync);
    }

    private static async Task<Results<Ok<IReadOnlyList<LocationView>>, ServiceProblem>> ListAsync(ClaimsPrincipal user, LocationService locations,
        CancellationToken ct) =>
        (await locations.ListAsync(user, ct)).ToHttp();

    private static async Task<Results<Ok<LocationView>, ServiceProblem>> UpdateAsync(int locationId, LocationInput body, ClaimsPrincipal user,
        LocationService locations, CancellationToken ct) =>
        (await locations.SaveAsync(user, locationId, body, ct)).ToHttp();
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Api;

/// <summary>/openapi/v1.json lists every answer each operation can give, errors as problem details with their schema.</summary>
[Collection(ApiApp.Collection)]
public sealed partial class OpenApiDocumentTests(ApiApp app)
{
    private static readonly int[] Refusals = [400, 401, 403, 404, 409, 429];

    [Fact]
    public async Task Every_operation_declares_each_refusal_it_can_answer_as_problem_details()
    {
        using var document = await DocumentAsync();
        var endpoints = Endpoints();
        var missing = new List<string>();

        foreach (var (path, method, operation) in Operations(document))
        {
            // The sign-in pages' form posts are not part of the API.
            if (path.StartsWith("/account/", StringComparison.Ordinal)) continue;
            Assert.True(endpoints.TryGetValue((path, method), out var endpoint), $"{method} {path} has no endpoint");
            var responses = operation.GetProperty("responses");

            foreach (var status in CanAnswer(path, operation, endpoint!).Where(Refusals.Contains))
            {
                if (!responses.TryGetProperty($"{status}", out var response))
                    missing.Add($"{method} {path} can answer {status} without saying so");
                else if (path.StartsWith("/api/", StringComparison.Ordinal)
                         && !(response.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out var problem)
                              && problem.TryGetProperty("schema", out _)))
                    missing.Add($"{method} {path} answers {status} without a problem details schema");
            }
            foreach (var success in responses.EnumerateObject().Where(r => r.Name.StartsWith('2') && r.Name != "204"))
                if (!success.Value.TryGetProperty("content", out var content) || !content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)))
                    missing.Add($"{method} {path} answers {success.Name} without a schema");
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public async Task Paged_lists_describe_pages_counted_from_1_and_the_page_size_range()
    {
        using var document = await DocumentAsync();
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, maxPageSize) in new[] { ("/api/purchases/{purchaseId}/visits", 100), ("/api/me/packages/{purchaseId}/visits", 100), ("/api/me/bookings", 100) })
        {
            var parameters = paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
            Assert.Contains("counting from 1", parameters["page"].GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal((1, 1), (parameters["page"].GetProperty("schema").GetProperty("minimum").GetInt32(), parameters["page"].GetProperty("schema").GetProperty("default").GetInt32()));
            Assert.Contains("answers 400", parameters["pageSize"].GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal((1, maxPageSize), (parameters["pageSize"].GetProperty("schema").GetProperty("minimum").GetInt32(),
                parameters["pageSize"].GetProperty("schema").GetProperty("maximum").GetInt32()));
        }
        var search = paths.GetProperty("/api/clients").GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "page");
        Assert.Contains("counting from 1", search.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/clients/999999/notifications")]
    [InlineData("/api/clients/999999/shared-packages")]
    [InlineData("/api/purchases/999999/credit-history")]
    public async Task An_unknown_id_in_the_path_is_a_404_problem(string path)
    {
        var response = await (await app.AsAsync(DemoUsers.Staff)).GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// What the handler declares (its typed results and metadata), and what is known of every endpoint whatever it
    /// declares: an id in the path may name nothing (404), a body or a typed query value may not bind (400), and an
    /// endpoint behind a policy refuses a caller without the role (403) and, under /api, one without a sign-in (401).
    /// </summary>
    private static IEnumerable<int> CanAnswer(string path, JsonElement operation, Endpoint endpoint)
    {
        foreach (var declared in endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()) yield return declared.StatusCode;
        if (path.Contains('{', StringComparison.Ordinal)) yield return 404;
        if (operation.TryGetProperty("requestBody", out _)) yield return 400;
        if (operation.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "query"
                && (p.TryGetProperty("required", out var required) && required.GetBoolean() || !IsText(p.GetProperty("schema")))))
            yield return 400;
        if (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            yield return 403;
            if (path.StartsWith("/api/", StringComparison.Ordinal)) yield return 401;
        }
    }

    private static bool IsText(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string" && !schema.TryGetProperty("format", out _);

    private async Task<JsonDocument> DocumentAsync() => JsonDocument.Parse(await (await app.AsAsync(null)).GetStringAsync("/openapi/v1.json"));

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonDocument document) =>
        from path in document.RootElement.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        select (path.Name, operation.Name.ToUpperInvariant(), operation.Value);

    /// <summary>The app's endpoints by path as the document writes it (without route constraints) and method.</summary>
    private Dictionary<(string, string), Endpoint> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Key: (DocumentPath(e.RoutePattern.RawText!), m), Endpoint: (Endpoint)e)))
            .GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First().Endpoint);

    private static string DocumentPath(string pattern)
    {
        var path = Constraint().Replace(pattern, "}").TrimEnd('/');
        return path.StartsWith('/') ? path : "/" + path;
    }

    [GeneratedRegex(@":[^}]+\}")]
    private static partial Regex Constraint();
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Common;

/// <summary>
/// The API's paging convention: <c>page</c> counts from 1 (the first page, and the default); a page below 1 or a
/// <c>pageSize</c> outside 1 to the list's maximum answers 400 with problem details naming the field, rather than
/// quietly answering another page than the one asked for. The services count pages from 0, as the grids do.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 25;
    public const string PageDescription = "The page to return, counting from 1: page=1 (the default) is the first page. Below 1 answers 400.";
    public const string PageSizeDescription = "Rows per page, from 1 to the maximum shown (default 25). Outside that range answers 400.";

    /// <summary>Null when the page is in range; otherwise the 400 that names the field.</summary>
    public static ValidationProblem? Refusal(int page) => page < 1 ? Invalid("page", "Pages count from 1: page=1 is the first page.") : null;

    /// <summary>Null when the page and its size are in range; otherwise the 400 that names the field.</summary>
    public static ValidationProblem? Refusal(int page, int pageSize, int maxPageSize) =>
        Refusal(page) ?? (pageSize < 1 || pageSize > maxPageSize ? Invalid("pageSize", $"The page size must be from 1 to {maxPageSize}.") : null);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, message);
}

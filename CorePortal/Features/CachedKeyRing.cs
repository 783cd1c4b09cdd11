using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace CorePortal.Features;

/// <summary>
/// The Data Protection key ring in Redis (what RedisXmlRepository does: one Redis list of key XML elements), with a
/// copy on this server's disk so that a server started while Redis is unreachable can still sign people in.
/// <list type="bullet">
/// <item>Redis reachable: the ring is Redis's; every key in it is copied to the local folder.</item>
/// <item>Redis unreachable: the ring is the local copy. Cookies and tokens issued earlier by any server still work
/// here; if no key is usable, Data Protection makes one, kept locally and handed to Redis when it is back, so
/// the people who signed in meanwhile stay signed in on every server from then on.</item>
/// </list>
/// </summary>
public sealed class CachedKeyRing : IXmlRepository
{
    private readonly RedisLink _link;
    private readonly RedisKey _key;
    private readonly IXmlRepository _local;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    // Keys made here while Redis was unreachable, not yet in Redis.
    private readonly List<XElement> _pending = [];

    public CachedKeyRing(RedisLink link, RedisKey key, IXmlRepository local, ILogger<CachedKeyRing> log)
    {
        (_link, _key, _local, _log) = (link, key, local, log);
        link.Restored += HandOverPending;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            try
            {
                var database = _link.Connection.GetDatabase();
                foreach (var element in _pending) database.ListRightPush(_key, Text(element));
                _pending.Clear();
                var shared = database.ListRange(_key).Select(v => XElement.Parse((string)v!)).ToList();
                CopyToCache(shared);
                return shared;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _log.LogWarning(ex, "The key ring in Redis is unreachable: using the copy cached on this server");
                return _local.GetAllElements();
            }
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            var cached = TryCache(element, friendlyName);
            try
            {
                _link.Connection.GetDatabase().ListRightPush(_key, Text(element));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (!cached) throw; // kept nowhere: Data Protection must not use it
                _pending.Add(element);
                _log.LogWarning(ex, "A new Data Protection key is kept on this server only until Redis is back");
            }
        }
    }

    // The copy is a fallback: failing to write it must never stop a ring that Redis serves.
    private void CopyToCache(IEnumerable<XElement> shared)
    {
        try
        {
            var cached = _local.GetAllElements().Select(Identity).ToHashSet();
            foreach (var element in shared.Where(e => !cached.Contains(Identity(e)))) TryCache(element, FileName(element));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning(ex, "Could not read this server's copy of the key ring");
        }
    }

    private bool TryCache(XElement element, string friendlyName)
    {
        try
        {
            _local.StoreElement(element, friendlyName);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning(ex, "Could not copy the key {Name} to this server's copy of the key ring", friendlyName);
            return false;
        }
    }

    private void HandOverPending()
    {
        lock (_gate) if (_pending.Count == 0) return;
        try
        {
            GetAllElements(); // pushes what is pending, if Redis answers
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Could not hand the keys made without Redis over to it yet");
        }
    }

    private static string Text(XElement element) => element.ToString(SaveOptions.DisableFormatting);

    // A key is known by its id; any other element (a revocation) by its text.
    private static string Identity(XElement element) => element.Attribute("id")?.Value is { } id ? $"{element.Name}:{id}" : Text(element);

    private static string FileName(XElement element) => element.Attribute("id")?.Value is { } id ? $"{element.Name.LocalName}-{id}" : $"{element.Name.LocalName}-{Guid.NewGuid()}";
}

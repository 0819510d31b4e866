using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WirelessGnn.Models.Plugins;

namespace WirelessGnn.Models.Configuration;

/// <summary>
/// Builds a plugin's config from its defaults, an optional JSON file (<c>--config</c>) and <c>--set key=value</c>
/// overrides (dotted paths, e.g. <c>training.steps=500</c>), and validates the result. Unknown keys and values of
/// the wrong type fail with a message naming the key and what was expected.
/// </summary>
public static class ConfigBinder
{
    /// <summary>camelCase property names, enums as strings, indented: the form of configs in files and reports.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
        // Names only: with integer values allowed, "7" would bind to an enum value that does not exist.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static JsonObject ToJson(object config) => (JsonObject)JsonSerializer.SerializeToNode(config, config.GetType(), Json)!;

    public static T FromJson<T>(JsonObject json) where T : class => (T)FromJson(json, typeof(T));

    /// <summary>
    /// The top-level settings in which <paramref name="savedJson"/> (e.g. the config a checkpoint was trained with) differs
    /// from <paramref name="config"/>, as <c>key: saved → now</c>. Keys in <paramref name="ignored"/> (case-insensitive) do not
    /// count. A key the saved config lacks (written by an older version) has its default value, as when that config is loaded;
    /// a saved config that no longer loads (a key since removed) is one change.
    /// </summary>
    public static List<string> ChangedSettings(string savedJson, object config, IReadOnlyCollection<string> ignored)
    {
        var parsed = JsonNode.Parse(savedJson) as JsonObject ?? throw new ArgumentException("savedJson: expected a JSON object.", nameof(savedJson));
        JsonObject saved;
        try { saved = ToJson(FromJson(parsed, config.GetType())); }
        catch (ArgumentException e) { return new List<string> { $"the saved settings no longer load ({e.Message})" }; }
        return ToJson(config)
            .Where(kv => !ignored.Contains(kv.Key, StringComparer.OrdinalIgnoreCase) && !JsonNode.DeepEquals(saved[kv.Key], kv.Value))
            .Select(kv => $"{kv.Key}: {saved[kv.Key]?.ToJsonString()} → {kv.Value?.ToJsonString()}").ToList();
    }

    /// <summary>
    /// The settings, as dotted paths down to single values (lists whole), in which two configs' JSON differ:
    /// <c>problem.users: 10 → 12</c>; a key only one side has shows <c>(none)</c> on the other.
    /// </summary>
    public static List<string> ChangedValues(JsonNode? saved, JsonNode? now, string path = "")
    {
        if (saved is JsonObject a && now is JsonObject b)
            return a.Select(kv => kv.Key).Union(b.Select(kv => kv.Key))
                .SelectMany(k => ChangedValues(a[k], b[k], path.Length == 0 ? k : $"{path}.{k}")).ToList();
        return JsonNode.DeepEquals(saved, now) ? new List<string>()
            : new List<string> { $"{path}: {saved?.ToJsonString() ?? "(none)"} → {now?.ToJsonString() ?? "(none)"}" };
    }

    public static object FromJson(JsonObject json, Type type)
    {
        try
        {
            return json.Deserialize(type, Json) ?? throw new ArgumentException("config: empty JSON.");
        }
        catch (JsonException e)
        {
            var expected = ExpectedAt(type, e.Path);
            throw new ArgumentException(expected is null ? $"config: {e.Message}"
                : $"config: '{e.Path![2..]}' = {ValueAt(json, e.Path)} is not {expected}.", e);
        }
    }

    /// <summary>The JSON text at a path of the form <c>$.a.b[1]</c>.</summary>
    private static string? ValueAt(JsonObject json, string path)
    {
        JsonNode? node = json;
        foreach (var part in path[2..].Split('.'))
        {
            var pieces = part.Split('[', ']');
            node = node?[pieces[0]];
            if (pieces.Length > 1 && int.TryParse(pieces[1], out int i)) node = node is JsonArray a && i < a.Count ? a[i] : null;
        }
        return node?.ToJsonString();
    }

    /// <summary>
    /// What a config of <paramref name="type"/> takes at a JSON path as System.Text.Json reports it
    /// (<c>$.training.schedule</c>, <c>$.kappa[1]</c>): "one of" an enum's names, "a number", "a whole number" or
    /// "true or false"; null for anything else.
    /// </summary>
    private static string? ExpectedAt(Type type, string? path)
    {
        if (path is null || !path.StartsWith("$.")) return null;
        Type? t = type;
        foreach (var part in path[2..].Split('.'))
        {
            var property = t?.GetProperties().FirstOrDefault(p => string.Equals(p.Name, part.Split('[')[0], StringComparison.OrdinalIgnoreCase));
            t = property?.PropertyType;
            if (t is not null && part.Contains('[')) t = t.IsArray ? t.GetElementType() : t.GetGenericArguments().FirstOrDefault();
        }
        t = t is null ? null : Nullable.GetUnderlyingType(t) ?? t;
        return t switch
        {
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(t))}",
            _ when t == typeof(double) || t == typeof(float) => "a number",
            _ when t == typeof(int) || t == typeof(long) => "a whole number",
            _ when t == typeof(bool) => "true or false",
            _ => null,
        };
    }

    /// <summary>Defaults, then the file's values, then the overrides; validated.</summary>
    public static T Resolve<T>(T defaults, JsonObject? file, IEnumerable<string> overrides) where T : class, IPluginConfig =>
        (T)Resolve((IPluginConfig)defaults, file, overrides);

    /// <summary>The same for a config whose type is known only at run time (it is <paramref name="defaults"/>' type).</summary>
    public static IPluginConfig Resolve(IPluginConfig defaults, JsonObject? file, IEnumerable<string> overrides)
    {
        var json = ToJson(defaults);
        if (file is not null) Merge(json, file, "");
        foreach (var assignment in overrides) Set(json, assignment);
        var config = (IPluginConfig)FromJson(json, defaults.GetType());
        config.Validate();
        return config;
    }

    /// <summary>Reads a JSON config file; a clear error when it is missing or malformed.</summary>
    public static JsonObject ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--config: file '{path}' not found.");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ArgumentException($"--config: '{path}' must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"--config: '{path}' is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Applies one <c>key=value</c>; the value is parsed as JSON (number, bool, string, object) or taken as a string. A list
    /// setting also takes comma-separated words with or without brackets (<c>schemes=singleTask,naive</c>,
    /// <c>schemes=[singleTask]</c>, <c>sizes=5</c>), each element parsed as JSON or taken as a string.
    /// </summary>
    public static void Set(JsonObject json, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--set '{assignment}': expected key=value, e.g. training.steps=500.");
        var path = assignment[..eq].Trim().Split('.');
        var text = assignment[(eq + 1)..].Trim();
        JsonObject node = json;
        for (int i = 0; i < path.Length; i++)
        {
            var key = FindKey(node, path[i], string.Join('.', path[..(i + 1)]));
            if (i == path.Length - 1)
            {
                node[key] = Parse(text, node[key], assignment[..eq]);
                return;
            }
            node = node[key] as JsonObject
                ?? throw new ArgumentException($"--set '{assignment[..eq]}': '{string.Join('.', path[..(i + 1)])}' is not a section.");
        }
    }

    private static void Merge(JsonObject target, JsonObject source, string prefix)
    {
        foreach (var (name, value) in source)
        {
            var key = FindKey(target, name, prefix + name);
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child, prefix + key + ".");
            else target[key] = value?.DeepClone();
        }
    }

    private static string FindKey(JsonObject node, string name, string path) =>
        node.Select(kv => kv.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown config key '{path}'. Known keys here: {string.Join(", ", node.Select(kv => kv.Key))}.");

    /// <summary><c>a,b,c</c> or <c>[a, b, c]</c> as a JSON array; an element that is not JSON is a string.</summary>
    private static JsonArray List(string text)
    {
        var inner = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        var items = inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(item =>
        {
            try { return JsonNode.Parse(item); }
            catch (JsonException) { return JsonValue.Create(item); }
        });
        return new JsonArray(items.ToArray());
    }

    private static JsonNode? Parse(string text, JsonNode? current, string key)
    {
        JsonNode? parsed;
        try { parsed = JsonNode.Parse(text); }
        catch (JsonException) { parsed = JsonValue.Create(text); }
        if (current is JsonArray && parsed is not JsonArray) return List(text);
        // A string setting keeps a value like 42 or true as text; a numeric setting refuses text.
        if (current is JsonValue v && v.GetValueKind() == JsonValueKind.String && parsed is JsonValue p && p.GetValueKind() != JsonValueKind.String)
            return JsonValue.Create(text);
        if (current is JsonValue n && n.GetValueKind() == JsonValueKind.Number && !(parsed is JsonValue q && q.GetValueKind() == JsonValueKind.Number))
            throw new ArgumentException($"--set {key}={text}: expected a number.");
        if (current is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            && !(parsed is JsonValue r && r.GetValueKind() is JsonValueKind.True or JsonValueKind.False))
            throw new ArgumentException($"--set {key}={text}: expected true or false.");
        return parsed;
    }
}

namespace WirelessGnn.Graphs;

/// <summary>Input checks that fail early with the field, the value and the expected range in the message.</summary>
public static class Require
{
    /// <summary>Throws unless every value is finite (no NaN, no ±Inf).</summary>
    public static void Finite(ReadOnlySpan<float> values, string field)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{field}: element {i} is {values[i]}; expected a finite number.", field);
    }

    /// <summary>Throws unless <paramref name="ok"/>, naming the field, its value and the <paramref name="expected"/> range.</summary>
    public static void Valid(bool ok, string field, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(field, value, $"{field} = {value} is out of range; expected {expected}.");
    }

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int InRange(int value, int min, int max, string field) =>
        value < min || value > max
            ? throw new ArgumentOutOfRangeException(field, value, $"{field} = {value} is out of range; expected {min}..{max}.")
            : value;

    /// <summary>
    /// The message of <paramref name="e"/> without what .NET appends to it, <c>" (Parameter 'p')"</c> and, out of range, a
    /// line <c>"Actual value was v."</c>: the messages thrown here name the field and its value themselves.
    /// </summary>
    public static string Reason(ArgumentException e)
    {
        string message = e.Message;
        if (e.ParamName is { Length: > 0 } p) message = message.Replace($" (Parameter '{p}')", "");
        if (e is ArgumentOutOfRangeException { ActualValue: { } v }) message = message.Replace($"{Environment.NewLine}Actual value was {v}.", "");
        return message;
    }

    /// <summary>Throws unless the tensor holds only finite values.</summary>
    public static void Finite(TorchSharp.torch.Tensor tensor, string field)
    {
        if (tensor.is_floating_point() && !tensor.isfinite().all().item<bool>())
            throw new ArgumentException($"{field}: tensor of shape [{string.Join(", ", tensor.shape)}] holds NaN or Inf; expected finite values.", field);
    }

    /// <summary>Throws unless the tensor has as many dimensions as <paramref name="expected"/> and, where given (not -1), these sizes.</summary>
    public static void Shape(TorchSharp.torch.Tensor tensor, string field, params long[] expected)
    {
        bool ok = tensor.dim() == expected.Length;
        for (int i = 0; ok && i < expected.Length; i++) ok = expected[i] < 0 || tensor.shape[i] == expected[i];
        if (!ok)
            throw new ArgumentException($"{field}: shape [{string.Join(", ", tensor.shape)}] does not match the expected [{string.Join(", ", expected.Select(e => e < 0 ? "*" : e.ToString()))}].", field);
    }
}

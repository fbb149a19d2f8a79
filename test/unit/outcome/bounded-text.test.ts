import { describe, expect, it } from "vitest";
import { BoundedTextTail, headOf } from "../../../src/domain/outcome/bounded-text.js";

describe("BoundedTextTail", () => {
  it("keeps exactly the last characters of many small appends and counts what it dropped", () => {
    const tail = new BoundedTextTail(10);
    for (let i = 0; i < 100; i++) tail.append(String(i % 10));

    expect(tail.value).toBe("0123456789");
    expect(tail.dropped).toBe(90);
  });

  it("keeps the end of one oversized append", () => {
    const tail = new BoundedTextTail(4);
    tail.append("ab");
    tail.append("cdefgh");

    expect(tail.value).toBe("efgh");
    expect(tail.dropped).toBe(4);
  });

  it("never starts with half of a surrogate pair", () => {
    const tail = new BoundedTextTail(3);
    tail.append("a🚀bc");

    expect(tail.value).toBe("bc");
  });
});

describe("headOf", () => {
  it("cuts before a surrogate pair rather than through it", () => {
    expect(headOf("ab🚀", 3)).toBe("ab");
    expect(headOf("short", 10)).toBe("short");
  });
});

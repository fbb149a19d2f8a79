/**
 * The shape of one configuration field: its kind, default, bounds and help text, and the value type
 * each kind parses to. The table itself is config-fields.ts.
 */
import type { ResourceRequirements, Toleration } from "../../ports/kubernetes-objects.js";

export type FieldKind =
  "string" | "integer" | "boolean" | "enum" | "stringList" | "stringMap" | "tolerations" | "resources";

interface FieldBase {
  readonly kind: FieldKind;
  readonly label: string;
  readonly hint: string;
  readonly group: "Claude" | "Kubernetes" | "Pod" | "Run" | "Paperclip";
  /** null means "not set": inherit from the server pod or derive at run time. */
  readonly nullable?: boolean;
  /**
   * Set by the operator in the Paperclip server's environment under this name, never in per-agent
   * config (which board users and approved hires edit): the field hands the server's own secrets
   * to run pods. Embedders that build the config themselves set it directly.
   */
  readonly serverEnv?: string;
}

export interface StringField extends FieldBase {
  readonly kind: "string";
  readonly default: string;
  /** Extra shape check beyond "is text". */
  readonly format?: "absolutePath" | "httpUrl" | "dnsLabel" | "executable";
  readonly multiline?: boolean;
}
export interface IntegerField extends FieldBase {
  readonly kind: "integer";
  readonly default: number;
  readonly min: number;
  readonly max: number;
}
export interface BooleanField extends FieldBase {
  readonly kind: "boolean";
  readonly default: boolean;
}
export interface EnumField extends FieldBase {
  readonly kind: "enum";
  readonly options: readonly string[];
  readonly default: string;
}
export interface StringListField extends FieldBase {
  readonly kind: "stringList";
  readonly default: readonly string[];
}
export interface StringMapField extends FieldBase {
  readonly kind: "stringMap";
  readonly default: Readonly<Record<string, string>> | null;
  readonly keyFormat: "envName" | "labelKey";
}
export interface TolerationsField extends FieldBase {
  readonly kind: "tolerations";
  readonly default: readonly Toleration[] | null;
}
export interface ResourcesField extends FieldBase {
  readonly kind: "resources";
  readonly default: ResourceRequirements;
}

export type FieldSpec =
  | StringField
  | IntegerField
  | BooleanField
  | EnumField
  | StringListField
  | StringMapField
  | TolerationsField
  | ResourcesField;

/** Byte sizes in the table are written in MiB. */
export const MiB = 1024 * 1024;

/** What a field of this spec parses to. */
export type ValueOf<F> = F extends { kind: "string" }
  ? string
  : F extends { kind: "integer" }
    ? number
    : F extends { kind: "boolean" }
      ? boolean
      : F extends { kind: "enum"; options: readonly (infer O)[] }
        ? O
        : F extends { kind: "stringList" }
          ? readonly string[]
          : F extends { kind: "stringMap"; nullable: true }
            ? Readonly<Record<string, string>> | null
            : F extends { kind: "stringMap" }
              ? Readonly<Record<string, string>>
              : F extends { kind: "tolerations" }
                ? readonly Toleration[] | null
                : F extends { kind: "resources" }
                  ? ResourceRequirements
                  : never;

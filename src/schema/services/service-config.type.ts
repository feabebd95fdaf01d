import { Field, InterfaceType, ObjectType } from 'type-graphql';

const CONFIG_ITEM_TYPES: Record<string, string> = { string: 'StringConfigItem', bool: 'BoolConfigItem', enum: 'EnumConfigItem' };

@InterfaceType('ConfigItem', { resolveType: (item: { type: string }) => CONFIG_ITEM_TYPES[item.type] })
export abstract class ConfigItem {
  @Field(() => String) fieldId!: string;
  @Field(() => String) description!: string;
  @Field(() => String) widget!: string;
  @Field(() => String) type!: string;
}

@ObjectType('StringConfigItem', { implements: ConfigItem })
export class StringConfigItem extends ConfigItem {
  @Field(() => String) value!: string;
  @Field(() => String) defaultValue!: string;
  @Field(() => String, { nullable: true }) regex!: string | null;
}

@ObjectType('BoolConfigItem', { implements: ConfigItem })
export class BoolConfigItem extends ConfigItem {
  @Field(() => Boolean) value!: boolean;
  @Field(() => Boolean) defaultValue!: boolean;
}

@ObjectType('EnumConfigItem', { implements: ConfigItem })
export class EnumConfigItem extends ConfigItem {
  @Field(() => String) value!: string;
  @Field(() => String) defaultValue!: string;
  @Field(() => [String]) options!: string[];
}

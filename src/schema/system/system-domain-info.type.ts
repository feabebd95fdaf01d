import { Field, ObjectType } from 'type-graphql';
import { DnsProvider } from './dns-provider.enum.js';

// `requiredDnsRecords` is added by the services area (a field resolver), which knows every service's records.
@ObjectType('SystemDomainInfo')
export class SystemDomainInfo {
  @Field(() => String) domain!: string;
  @Field(() => String) hostname!: string;
  @Field(() => DnsProvider) provider!: DnsProvider;
}

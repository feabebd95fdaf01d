import { GraphQLScalarType } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';

/** Any JSON value (service configuration input), with the contract's specification link. */
export const JsonScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  specifiedByURL: 'https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf',
});

import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

/** One line of a job's own log; `cursor` resumes reading after it (`logLines(after:)`, `jobLog(after:)`). */
@ObjectType('JobLogLine')
export class JobLogLine {
  @Field(() => String) cursor!: string;
  @Field(() => DateTimeScalar) timestamp!: Date;
  @Field(() => String) message!: string;
}
